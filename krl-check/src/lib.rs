//! Static checks for KRL rulesets: scopes, name resolution, arity, simple types and lints (issue #7).
