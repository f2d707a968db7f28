//! Number operators (`chr`, `range`, bitwise) and JavaScript number formatting.

mod common;

use common::check;

#[test]
fn chr_uses_to_uint16() {
    check(&[
        ("chr", "65", r#""A""#),
        ("chr", "65601", r#""A""#),
        ("chr", "65.9", r#""A""#),
        ("chr", r#""66""#, r#""B""#),
        ("chr", r#""0x43""#, r#""C""#),
        ("chr", "null", r#""\u0000""#),
        ("chr", r#""x""#, "null"),
        ("chr", "re#a#", "null"),
        ("chr", "233", r#""é""#),
    ]);
}

#[test]
fn range_is_inclusive_in_both_directions() {
    check(&[
        ("range", "0, 3", "[0,1,2,3]"),
        ("range", "3, 0", "[3,2,1,0]"),
        ("range", "2, 2", "[2]"),
        ("range", "1.5, 4", "[1.5,2.5,3.5,4.5]"),
        ("range", "0.5, 0", "[0.5,-0.5]"),
        ("range", "null, 0", "[0]"),
        ("range", "0, [1,2,3]", "[0,1,2,3]"),
        ("range", r#""1", "0x3""#, "[1,2,3]"),
        ("range", "0", "[]"),
        ("range", r#""a", 2"#, "[]"),
        ("range", "0, re#a#", "[]"),
    ]);
}

#[test]
fn bitwise_operators_work_on_int32() {
    check(&[
        ("band", "5, 3", "1"),
        ("band", r#""12", 10"#, "8"),
        ("bor", "5, 3", "7"),
        ("bor", "4294967296, 0", "0"),
        ("bor", "2147483648, 0", "-2147483648"),
        ("bxor", "5, 3", "6"),
        ("bnot", "5", "-6"),
        ("bnot", "-3", "2"),
        ("bnot", "1.9", "-2"),
        ("shiftLeft", "1, 4", "16"),
        ("shiftLeft", "1, 33", "2"),
        ("shiftLeft", "1, 31", "-2147483648"),
        ("shiftLeft", "4294967297, 1", "2"),
        ("shiftRight", "-16, 2", "-4"),
        ("shiftRight", "16, -30", "4"),
        ("shiftRight", "null, null", "0"),
        ("band", r#""x", 1"#, "!TypeError: x cannot be bitwise anded 1"),
        ("bor", r#"1, "x""#, "!TypeError: 1 cannot be bitwise anded x"),
        ("bxor", "re#a#, 1", "!TypeError: re#a# cannot be bitwise anded 1"),
        ("shiftLeft", r#""x", 1"#, "!TypeError: x cannot be shifted by 1"),
        ("shiftRight", r#"1, "x""#, "!TypeError: 1 cannot be shifted by x"),
        ("bnot", r#""x""#, "!TypeError: x cannot be inverted "),
    ]);
}

#[test]
fn numbers_print_like_javascript() {
    // Quirk 42.
    check(&[
        ("as", "1e21, \"String\"", r#""1e+21""#),
        ("as", "1.5e25, \"String\"", r#""1.5e+25""#),
        ("as", "1e-7, \"String\"", r#""1e-7""#),
        ("as", "1.5e-7, \"String\"", r#""1.5e-7""#),
        (
            "as",
            "100000000000000000000, \"String\"",
            r#""100000000000000000000""#,
        ),
        ("as", "1.50, \"String\"", r#""1.5""#),
        ("/", "2, 3", "0.6666666666666666"),
        ("-", "0", "0"),
    ]);
}
