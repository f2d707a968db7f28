//! Lowering of KRL rulesets to an IR with resolved names, its interpreter and the Cranelift backend (issue #3).
