//! The registry of stable diagnostic codes. Each code has a kebab-case name and a long
//! explanation printed by `krl explain CODE`. Ranges (STYLE.md §6): `E00xx` lexer,
//! `E01xx` parser, `E02xx` names, `E03xx` types, `W01xx` lints, `R0xxx` runtime.

use serde::Serialize;

/// A stable diagnostic code such as `E0100 unexpected-token`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Code {
    pub id: &'static str,
    pub name: &'static str,
}

/// A code with its long explanation.
#[derive(Clone, Copy, Debug)]
pub struct CodeInfo {
    pub code: Code,
    pub explanation: &'static str,
}

macro_rules! codes {
    ($($konst:ident = $id:literal $name:literal $explanation:literal;)*) => {
        $(pub const $konst: Code = Code { id: $id, name: $name };)*
        /// Every registered code, in code order.
        pub const ALL: &[CodeInfo] = &[$(CodeInfo { code: $konst, explanation: $explanation }),*];
    };
}

codes! {
    INVALID_CHARACTER = "E0001" "invalid-character"
        "A character that KRL does not use outside strings, regexes and comments, such as `!`, \
         `&`, `@`, `#` or a non-ASCII letter. KRL writes `not` for negation and `&&` for `and`.";
    UNTERMINATED_STRING = "E0002" "unterminated-string"
        "A string literal `\"...` has no closing quote before the end of the file. Strings may \
         span lines, so the missing quote can be far above the end of the file.";
    UNTERMINATED_REGEX = "E0003" "unterminated-regex"
        "A regular expression literal `re#...` has no closing `#`. Write `\\#` for a literal `#` \
         inside the pattern.";
    UNTERMINATED_COMMENT = "E0004" "unterminated-comment"
        "A block comment `/* ...` has no closing `*/`. Block comments do not nest.";
    UNTERMINATED_CHEVRON = "E0005" "unterminated-chevron"
        "A chevron string `<< ...` has no closing `>>`, or a `#{` interpolation inside it is \
         never closed with `}`. Write `\\>` for a literal `>` inside chevron text.";
    INVALID_REGEX = "E0006" "invalid-regex"
        "The pattern of a regex literal is not a valid ECMAScript regular expression, or a flag \
         is repeated. KRL regexes use JavaScript syntax and the flags `g`, `i` and `m`.";
    UNEXPECTED_TOKEN = "E0100" "unexpected-token"
        "The parser found a token where the grammar does not allow it. The message names what \
         would have been accepted there.";
    UNEXPECTED_EOF = "E0101" "unexpected-end-of-file"
        "The file ended while a construct was still open, usually a missing `}` or `)`.";
    MISSING_THEN = "E0102" "missing-then"
        "A conditional action needs `then` between the condition and the action: \
         `if x > 3 then send_directive(\"big\")`.";
    CLASSIC_SYNTAX = "E0103" "classic-krl-syntax"
        "This form belongs to classic KRL (the KRE engine) and is not part of modern KRL. \
         `sharing on` became `shares NAME, ...` in `meta`; `dispatch` and `pageview` events have \
         no modern counterpart.";
    WITH_ON_ACTION = "E0104" "with-clause-on-action"
        "Classic KRL passed attributes with `with name = value`. Modern KRL passes a map: \
         `send_directive(\"name\", {\"key\": value})` or `raise d event \"t\" attributes {...}`.";
    DEFACTION_RETURNS = "E0105" "defaction-returns"
        "A `defaction` returns one value with `return expr` after its actions. The classic \
         `returns` keyword and returning several values are not supported.";
    SEMICOLON_AFTER_SELECT = "E0106" "semicolon-after-select"
        "No `;` may follow a `select when` clause or separate the sections of a rule.";
    INVALID_RULESET_ID = "E0107" "invalid-ruleset-id"
        "A ruleset id is a reverse domain name written without spaces, such as \
         `io.picolabs.some.cool.name`. Parts are words joined by `.` or `-`; a part may not \
         start with a digit and the id may not end with `.` or `-`.";
    MAP_KEY_NOT_STRING = "E0108" "map-key-not-string"
        "Map literal keys are double-quoted strings: `{\"name\": value}`. Bare words and \
         chevrons are not accepted as keys.";
    RESERVED_WORD = "E0109" "reserved-word"
        "`defaction`, `function`, `return`, `not`, `setting`, `null`, `true` and `false` are \
         reserved and cannot name a variable, parameter, action or label. Operator words (`like`, \
         `cmp`, `and`, `or`, `before`, `then`, `after`, `between`, `any`, `count`, `repeat`) \
         cannot be used as variables in expressions.";
    MISSING_RETURN_EXPRESSION = "E0110" "missing-return-expression"
        "A function body is a list of declarations followed by one result expression. A body \
         with no result expression, such as `function() {}`, is not allowed.";
    UNSUPPORTED_META_KEY = "E0111" "unsupported-meta-key"
        "The `meta` block accepts `name`, `description`, `author`, `version`, `logging`, \
         `use module`, `configure using`, `provides`, `shares`, and the legacy `key(s)` and \
         `errors to`.";
    INVALID_TIME_UNIT = "E0112" "invalid-time-unit"
        "`within` takes an amount and one of the units second(s), minute(s), hour(s), day(s), \
         week(s), month(s) or year(s).";
    SEVERAL_ACTIONS = "E0113" "several-actions-without-block"
        "A rule has at most one bare action. Put several actions in `every { ... }` (all run), \
         `sample { ... }` (one at random) or `choose expr { ... }` (one by label).";
    NOT_A_POSITIVE_INTEGER = "E0114" "expected-positive-integer"
        "`any`, `count` and `repeat` take a whole number written as a literal, such as \
         `count 3 (sensor reading)`.";
    INVALID_LOG_LEVEL = "E0115" "invalid-log-level"
        "`log` and `error` statements take a level: `error`, `warn`, `info` or `debug`.";
    MISSING_DECLARATION = "E0116" "expected-declaration"
        "Declaration lists (`global`, `pre`, `configure using`, `with`) hold only \
         `name = expression` items. In a postlude, a bare expression is not a statement.";
    ENTITY_ASSIGNED_WITH_EQUALS = "E0117" "entity-assigned-with-equals"
        "A persistent variable is assigned with `:=`, in a rule's postlude: \
         `fired { ent:count := ent:count + 1 }`. `ent:count = 1` is not an assignment; `=` \
         only declares a local name (`x = 1`).";
    MISSPELT_SELECT = "E0118" "misspelt-select"
        "A rule starts with `select when` (or `select where`), and the word before `when` is \
         not `select`. A word one or two letters away from `select` is taken for a typo of it.";
    NESTING_TOO_DEEP = "E0119" "nesting-too-deep"
        "The source nests deeper than 500 levels. Each bracket (`(`, `[`, `{`, `<<`, `#{`) and \
         each operator of a chain (`1 + 1 + 1`, `a.b.c`, `not not x`, `f()()`, event `or`) \
         counts one level, because each makes the syntax tree one level deeper; `,`, `;`, \
         `:=` and a new declaration start again at the level of their bracket. The limit keeps \
         every tool and the engine within a bounded stack whatever the input. Split the \
         expression: give inner parts names with declarations, or build the data with a \
         function.";
    UNKNOWN_NAME = "E0201" "unknown-name"
        "A name is used that no enclosing scope declares. Names come from `configure using`, \
         `global`, `pre`, parameters, function bodies, `setting(...)` clauses, postlude \
         declarations and the standard library. A value declaration only sees the names \
         declared before it in its block; only `function` literals see the whole block.";
    UNDEFINED_EXPORT = "E0202" "undefined-export"
        "`shares` and `provides` in `meta` must name something the ruleset declares, usually a \
         `global` function.";
    SHARED_ACTION = "E0203" "shared-action"
        "Only functions and values can be shared as queries; a `defaction` runs inside a rule \
         and cannot be queried. Provide it to other rulesets with `provides` instead.";
    DUPLICATE_DECLARATION = "E0204" "duplicate-declaration"
        "A name is declared twice in one block (`global`, `pre`, a function body), or a rule \
         declares again a name its `setting(...)`, `foreach`, `pre` or postlude already bound. \
         Rename one of them; an inner block (a function) may shadow an outer name.";
    DUPLICATE_RULE_NAME = "E0205" "duplicate-rule-name"
        "Rule names must be unique within a ruleset.";
    DUPLICATE_PARAMETER = "E0206" "duplicate-parameter"
        "A function or defaction lists the same parameter twice.";
    REQUIRED_AFTER_DEFAULT = "E0207" "required-parameter-after-default"
        "Once a parameter has a default value (`n = 5`), all following parameters need one too, \
         because arguments are matched by position.";
    POSITIONAL_AFTER_NAMED = "E0208" "positional-argument-after-named"
        "After the first named argument (`f(x, limit = 3)`) every following argument must be \
         named too.";
    WRONG_ARGUMENT_COUNT = "E0209" "wrong-argument-count"
        "A function, action or standard library operator is called with more arguments than it \
         has parameters, with fewer than it needs, or with a named argument it does not have. \
         In a method call `x.f(a)` the receiver `x` is the first argument.";
    NON_ENTITY_ASSIGNMENT = "E0210" "non-entity-assignment"
        "`:=` and `clear` work only on persistent `ent:` variables. Use `name = value` for a \
         local declaration.";
    UNLABELED_CHOOSE_ACTION = "E0211" "unlabeled-choose-action"
        "Every action inside `choose expr { ... }` needs a label (`big => send_directive(...)`): \
         the value of `expr` selects the action by its label.";
    SEVERAL_ACTION_SETTINGS = "E0212" "several-action-settings"
        "An action returns one value, so `setting(...)` after an action binds exactly one name.";
    MISSING_SELECT = "E0213" "missing-select"
        "An active rule needs `select when ...` (or `select where ...`) to ever run. Mark a rule \
         `is inactive` to keep it without a select.";
    DUPLICATE_META_PROPERTY = "E0214" "duplicate-meta-property"
        "`name`, `description`, `author`, `version` and `logging` may each appear once in \
         `meta`. pico-engine reports `only 1 meta.KEY allowed`. Keep one of them.";
    UNSUPPORTED_META_PROPERTY = "E0215" "unsupported-meta-property"
        "The parser still accepts the classic meta properties `key`/`keys`, `errors to` and \
         `provides keys ... to`, but the compiler rejects them (`RulesetMetaProperty not \
         supported: keys`). Keep secrets in a module configured with `configure using`, and \
         report errors with `error` statements and `system:error` rules.";
    MODULE_NOT_FOUND = "E0216" "module-not-found"
        "`use module RID` names a ruleset that cannot be found. `krl check` looks for \
         `RID.krl` in the folder of the using ruleset, then in each `--module-path` folder. \
         This is a warning, and the module's uses are not checked: the engine finds modules in \
         its registry when the ruleset is installed. pico-engine reports `Module not found: RID` \
         if it is not registered then.";
    MODULE_CYCLE = "E0217" "module-cycle"
        "Rulesets use each other as modules in a cycle (`a` uses `b`, which uses `a`). A \
         module is initialised before its users, so a cycle can never be initialised; \
         pico-engine reports `Dependency Cycle Found: a -> b -> a`. Move the shared code into \
         a third module.";
    NOT_PROVIDED = "E0218" "module-name-not-provided"
        "`alias:name` refers to a name that the module does not list in its `provides`. A \
         using ruleset sees only provided names; add the name to the module's `provides`, or \
         check the spelling.";
    UNKNOWN_MODULE_MEMBER = "E0219" "unknown-module-member"
        "`module:name` names something that the built-in module (`math`, `time`, `random`, \
         `http` or `schedule`) does not have, such as `math:nope`. Running it fails with \
         `TypeError: math:nope is not a function`. A ruleset \
         used `alias math` replaces the built-in module and is not checked here.";
    NOT_A_FUNCTION = "E0301" "not-a-function"
        "Something that is statically known to be an action (a `defaction`, `send_directive`, \
         or the action-function `noop`) is called in an expression. Actions run only in the \
         action block of a rule or defaction. pico-engine reports `Not a function: Action` \
         (or `ActionFunction`) at compile time. A built-in module's action (`http:post`) or \
         property (`ctx:rulesets`) called in an expression fails when it runs instead.";
    NOT_AN_ACTION = "E0302" "not-an-action"
        "An action block calls something that is statically known to be a function (a \
         `function` literal or a standard library operator such as `klog`). Compute values \
         in `pre` and pass them to an action; pico-engine reports `Not an action: Function`. \
         A built-in module's function (`ctx:query`) used as an action fails when it runs.";
    EVENT_ATTRS_CALL = "E0303" "event-attrs-call"
        "`event:attrs` is a Map, not a function: read one attribute with `event:attrs{key}`. \
         pico-engine reports `` `event:attrs` is a Map, not a Function. Use \
         `event:attrs{key}` instead ``.";
    OPERAND_TYPE_ERROR = "E0304" "operand-type-error"
        "An arithmetic operator (`-`, `*`, `/`, `%`, unary `-`) gets an operand whose type is \
         certain and that can never be converted to a number: a string such as `\"abc\"`, a \
         regex, a function or an action. Evaluating it always raises a TypeError \
         (`\"a\" - 1` fails with `1 cannot be subtracted from a`). Convert the value first, \
         or use `+` to concatenate strings.";
    UNUSED_DECLARATION = "W0101" "unused-declaration"
        "A declaration, parameter or setting is never used. Remove it, or start its name with \
         `_` to keep it on purpose. A parameter before a used one is never reported.";
    SHADOWED_BUILTIN = "W0102" "shadowed-builtin"
        "A declaration has the name of a standard library operator. Inside its scope the \
         operator is hidden, including method calls: after `map = ...`, `xs.map(f)` calls the \
         new `map`.";
    ENT_READ_NEVER_WRITTEN = "W0103" "ent-read-never-written"
        "The ruleset reads a persistent `ent:` variable that it never assigns or clears, so the \
         read always gives null. Often a typo in the variable name.";
    ENT_WRITTEN_NEVER_READ = "W0104" "ent-written-never-read"
        "The ruleset stores a persistent `ent:` variable that it never reads. Only this ruleset \
         can read its entity variables, so the value is dead weight.";
    IMPLICIT_COERCION = "W0105" "implicit-coercion"
        "`+` with a number and a string concatenates (`1 + \"2\"` is `\"12\"`, and so is \
         `[1].length() + \"2\"`: types of literals, `as(\"T\")` and standard library results \
         are known), `+` with an array or a map concatenates the text `[Array]` or `[Map]`, and \
         comparing a number with a string converts one of them. Convert explicitly \
         with `.as(\"Number\")` or `.as(\"String\")`.";
    CONSTANT_CONDITION = "W0106" "constant-condition"
        "A condition is a literal, so it is always true or always false (`if true then`, \
         `select where true`). Remove the condition or the dead branch.";
    DEPRECATED_SYNTAX = "W0107" "deprecated-syntax"
        "The reference engine accepts this form with a deprecation warning: `event:attr(k)` \
         (write `event:attrs{k}`), `where` before `setting` in an event, `setting(...)` on an \
         event without attribute matches (write `where` and `event:attrs{k}`), `a.b` to read a \
         map entry (write `a{\"b\"}`), `version` directly in the ruleset body (move it into \
         `meta`), and `logging on/off` (logging is always on).";
    KLOG_IN_SHARED_FUNCTION = "W0108" "klog-in-shared-function"
        "A shared function calls `klog`. Queries run often (UIs poll them), so every call adds \
         a log entry; log in rules instead, or remove the debugging call.";
    TOO_MANY_ARGUMENTS = "W0109" "too-many-arguments"
        "A function or action is called with more arguments than it has parameters: one of \
         this ruleset, a built-in module's (`math:abs(x, 1)`) or a used module's. pico-engine \
         silently drops the extra arguments. In `x.f(a)` the receiver `x` is the first argument. \
         An error by default; `krl.toml` can make it a warning.";
    UNMATCHED_EVENT_ATTRIBUTE = "W0110" "unmatched-event-attribute"
        "A rule reads `event:attrs{\"x\"}` while its `select` checks other attributes of the \
         event but never `x`, and the rule does not test the value either. The author listed \
         which attributes the rule relies on, and `x` is missing: often a misspelt attribute, \
         which reads as null. Match it in the select (`x re#(.+)# setting(x)`), test it \
         (`defaultsTo`, `if`, `where`), or fix the spelling.";
    UNREACHABLE_SELECT = "W0111" "unreachable-select"
        "The `select when` expression can never match, so the rule never runs: `any N` needs \
         N distinct events out of its list, so over N or fewer events it never fires \
         (pico-engine even fails to initialise the ruleset), and an event guarded by \
         `where false` (or `null`, `0`, `\"\"`) never matches, which makes an `and`, \
         `before`, `then` or `between` containing it unreachable too. Lower the number, list \
         more events, or fix the condition.";
    WHOLE_ENTITY_PUT = "W0112" "whole-entity-put"
        "`ent:v := ent:v.put(key, value)` reads the whole persistent variable, copies it and \
         writes it back. `ent:v{key} := value` updates one entry and lets storage use its \
         index. pico-engine prints a performance hint for this form.";
    WRONG_RECEIVER_TYPE = "W0113" "wrong-receiver-type"
        "A standard library operator is applied to a value whose type is certain and for which \
         the operator does nothing useful: `put` on a number returns the number unchanged, \
         `keys` on a string gives `[]`. Usually the wrong variable or a missing conversion.";
    UNKNOWN_LINT = "W0114" "unknown-lint"
        "A `// krl:allow(...)` comment names something that is not a lint. Write lint names \
         (`unused-declaration`) or codes (`W0101`), separated by commas; `krl explain` lists \
         what each lint flags. Errors cannot be allowed.";
    UNRAISED_EVENT = "W0115" "unraised-event"
        "A note from `krl check` over several files: a rule selects an event that none of the \
         checked rulesets (nor the system rulesets) raises, schedules, sends or lets in through \
         a channel policy, while they do raise an event of the same domain one typo away. The \
         rule runs only if the event comes from outside, so it is a note, not an error: \
         channels made outside the rulesets (`krl run`'s developer channel) let any event in. \
         Nothing is noted when some event's domain is computed, or when an event of the \
         domain has a computed type.";
    COMPILE_ERROR = "E0400" "compile-error"
        "The ruleset parses but cannot be compiled, for a reason pico-engine's compiler also \
         rejects, such as a name that is not defined (`Undefined id: x`), a duplicate \
         declaration or parameter, or a positional argument after a named one. The message \
         uses the reference compiler's wording.";
    RUNTIME_ERROR = "R0001" "runtime-error"
        "Evaluating KRL failed: an operator got values it cannot work with, a function was \
         called with something that is not a function, recursion went too deep, and so on. \
         The message is the error as pico-engine prints it (`TypeError: ...`).";
}

/// Looks a code up by its id (`E0101`) or name (`unexpected-token`), case-insensitively.
pub fn lookup(key: &str) -> Option<&'static CodeInfo> {
    ALL.iter()
        .find(|info| info.code.id.eq_ignore_ascii_case(key) || info.code.name.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for info in ALL {
            assert!(seen.insert(info.code.id), "duplicate id {}", info.code.id);
            assert!(seen.insert(info.code.name), "duplicate name {}", info.code.name);
            assert_eq!(info.code.id.len(), 5, "{}", info.code.id);
            assert!(info.code.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        }
    }

    #[test]
    fn lookup_finds_by_id_or_name() {
        assert_eq!(lookup("e0102").map(|i| i.code.name), Some("missing-then"));
        assert_eq!(lookup("missing-then").map(|i| i.code.id), Some("E0102"));
        assert!(lookup("E9999").is_none());
    }
}
