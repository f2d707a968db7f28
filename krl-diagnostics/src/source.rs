//! Source files and the line index that turns byte offsets into the line/column positions
//! people (1-based, characters), tools (0-based, bytes) and language servers (UTF-16) expect.

use std::ops::Index;
use std::sync::{Arc, OnceLock};

use crate::{FileId, Span};

/// All source files of one run, addressed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    pub fn new() -> SourceDb {
        SourceDb::default()
    }

    /// Adds a file and returns its id. Names need not be unique: the id tells files apart.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        self.add_file(SourceFile::new(name, text))
    }

    /// Adds a file made beforehand (line indexes can be built on other threads).
    pub fn add_file(&mut self, file: SourceFile) -> FileId {
        let id = u32::try_from(self.files.len()).expect("fewer than 2^32 source files");
        self.files.push(file);
        FileId(id)
    }

    /// The file behind `file`.
    ///
    /// # Panics
    ///
    /// When `file` was made by another `SourceDb`; use [`SourceDb::try_get`] when that can happen.
    pub fn get(&self, file: FileId) -> &SourceFile {
        self.try_get(file).expect("file id made by this source db")
    }

    pub fn try_get(&self, file: FileId) -> Option<&SourceFile> {
        self.files.get(file.0 as usize)
    }

    pub fn name(&self, file: FileId) -> &str {
        self.get(file).name()
    }

    pub fn text(&self, file: FileId) -> &str {
        self.get(file).text()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every file with its id, in the order they were added.
    pub fn iter(&self) -> Files<'_> {
        Files {
            inner: self.files.iter().enumerate(),
        }
    }
}

impl Index<FileId> for SourceDb {
    type Output = SourceFile;

    fn index(&self, file: FileId) -> &SourceFile {
        self.get(file)
    }
}

impl<'a> IntoIterator for &'a SourceDb {
    type Item = (FileId, &'a SourceFile);
    type IntoIter = Files<'a>;

    fn into_iter(self) -> Files<'a> {
        self.iter()
    }
}

/// Iterator over the files of a [`SourceDb`] with their ids; see [`SourceDb::iter`].
#[derive(Clone, Debug)]
pub struct Files<'a> {
    inner: std::iter::Enumerate<std::slice::Iter<'a, SourceFile>>,
}

impl<'a> Iterator for Files<'a> {
    type Item = (FileId, &'a SourceFile);

    fn next(&mut self) -> Option<Self::Item> {
        // `SourceDb::add` made sure every index fits in a u32.
        self.inner.next().map(|(idx, file)| (FileId(idx as u32), file))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Files<'_> {}

/// One source text with its name (usually a path) and line index.
///
/// The fields are private so that `lines` always describes `text`. The index is built on
/// first use: `krl check` needs it only for files it reports on.
#[derive(Clone, Debug)]
pub struct SourceFile {
    name: String,
    text: Arc<str>,
    lines: OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
            lines: OnceLock::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text as a shared pointer, for holders that outlive the `SourceDb`.
    pub fn text_arc(&self) -> &Arc<str> {
        &self.text
    }

    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }
}

/// The lowest and the highest bit of each byte of a word, for [`LineIndex::new`]'s word-wise scan.
const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The index of the first (lowest) zero byte of `word`, for words of ASCII bytes (the only
/// ones asked): the borrow trick may also flag a byte above a zero byte, never one below.
fn first_zero_byte(word: u64) -> Option<usize> {
    let flags = word.wrapping_sub(LOW_BITS) & !word & HIGH_BITS;
    (flags != 0).then(|| flags.trailing_zeros() as usize / 8)
}

/// A 0-based line and a 0-based column counted in UTF-8 bytes from the start of the line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// A 0-based line and a 0-based column counted in UTF-16 code units, as in LSP positions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Utf16LineCol {
    pub line: u32,
    pub col: u32,
}

/// A 1-based line and a 1-based column counted in characters (Unicode scalar values), the way
/// compilers print positions for people and the way GitHub annotations expect them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HumanLineCol {
    pub line: u32,
    pub column: u32,
}

/// A character that takes more than one UTF-8 byte. Columns in other units differ from byte
/// columns only because of these, so they are all the index has to remember about the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WideChar {
    /// Byte offset of the character in the whole text.
    start: u32,
    /// Length in UTF-8 bytes: 2, 3 or 4.
    utf8_len: u8,
    /// Length in UTF-16 code units: 1 or 2.
    utf16_len: u8,
}

impl WideChar {
    fn end(self) -> u32 {
        self.start + u32::from(self.utf8_len)
    }
}

/// Line starts and multi-byte characters of one text, for converting byte offsets to and from
/// line/column positions without keeping the text.
///
/// Lines end after `\n`; `\r\n` is one line break and a lone `\r` is an ordinary character.
/// Every conversion clamps instead of panicking: offsets past the end mean the end, offsets
/// inside a multi-byte character or a `\r\n` mean its start, and lines or columns past the end
/// mean the end of the text or of the line (just before its line break), as LSP asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is always 0, so this is never empty.
    line_starts: Vec<u32>,
    /// Lines that end in `\r\n` rather than a bare `\n`, in order. Kept apart from
    /// `line_starts` so that slice can be handed out as is.
    crlf_lines: Vec<u32>,
    /// Multi-byte characters in text order.
    wide_chars: Vec<WideChar>,
    /// Length of the text in bytes.
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        // Spans are u32, so a text longer than 4 GiB is indexed only up to its first 4 GiB,
        // cut back to a character boundary so that every offset we hand out is valid.
        let mut end = text.len().min(u32::MAX as usize);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let text = &text[..end];

        let mut line_starts = vec![0];
        let mut crlf_lines = Vec::new();
        let mut wide_chars = Vec::new();
        // A byte loop rather than `char_indices`: nearly all source is ASCII, and only the
        // lead byte of a multi-byte character needs decoding.
        let bytes = text.as_bytes();
        let mut offset = 0;
        while offset < bytes.len() {
            // Eight bytes at a time over ASCII: past a run without a line break, or straight
            // to the first line break in it.
            if let Some(word) = bytes.get(offset..offset + 8) {
                let word = u64::from_le_bytes(word.try_into().unwrap_or([0x80; 8]));
                if word & HIGH_BITS == 0 {
                    match first_zero_byte(word ^ (LOW_BITS * u64::from(b'\n'))) {
                        None => {
                            offset += 8;
                            continue;
                        }
                        Some(idx) => offset += idx,
                    }
                }
            }
            let byte = bytes[offset];
            if byte == b'\n' {
                if offset > 0 && bytes[offset - 1] == b'\r' {
                    crlf_lines.push(line_starts.len() as u32 - 1);
                }
                line_starts.push(offset as u32 + 1);
                offset += 1;
            } else if byte.is_ascii() {
                offset += 1;
            } else {
                // `text` is a `str` cut at a character boundary, so a character starts here.
                let ch = text[offset..]
                    .chars()
                    .next()
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                wide_chars.push(WideChar {
                    start: offset as u32,
                    utf8_len: ch.len_utf8() as u8,
                    utf16_len: ch.len_utf16() as u8,
                });
                offset += ch.len_utf8();
            }
        }
        LineIndex {
            line_starts,
            crlf_lines,
            wide_chars,
            len: end as u32,
        }
    }

    /// Length of the text in bytes.
    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of lines; an empty text and a text ending in `\n` both have a last, empty line.
    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    /// Byte offset where each line starts, in order; the first is 0.
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }

    /// Byte offset where `line` starts, or `None` past the last line.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line as usize).copied()
    }

    /// The bytes of `line` without its `\n` or `\r\n`, or `None` past the last line.
    pub fn line_span(&self, line: u32) -> Option<Span> {
        let start = self.line_start(line)?;
        let end = match self.line_start(line + 1) {
            // The byte before the next line's start is this line's `\n`.
            Some(next) if self.crlf_lines.binary_search(&line).is_ok() => next - 2,
            Some(next) => next - 1,
            None => self.len,
        };
        Some(Span::new(start, end))
    }

    /// Moves `offset` into the text and onto the start of the character it points into. An
    /// offset between the `\r` and `\n` of a line break moves onto the `\r`, because `\r\n` is
    /// one line break.
    pub fn clamp(&self, offset: u32) -> u32 {
        let offset = offset.min(self.len);
        if let Some(wide) = self.wide_char_containing(offset) {
            wide.start
        } else if self.splits_crlf(offset) {
            offset - 1
        } else {
            offset
        }
    }

    /// Moves `span` into the text, swapping its ends when backwards, so that slicing the text
    /// with it and handing it to renderers is safe. The end moves forward to the end of a
    /// character it splits, so that the span keeps what it covered, but back onto the `\r` of a
    /// `\r\n` it splits, so that a span ending with its line's `\r` still ends on that line.
    pub fn clamp_span(&self, span: Span) -> Span {
        let (start, end) = (span.start.min(span.end), span.start.max(span.end));
        let start = self.clamp(start);
        let end = match self.wide_char_containing(end.min(self.len)) {
            Some(wide) => wide.end(),
            None => self.clamp(end),
        };
        Span { start, end }
    }

    /// Line and byte column of `offset`, after [`LineIndex::clamp`].
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        LineCol {
            line,
            col: offset - self.line_starts[line as usize],
        }
    }

    /// Byte offset of a line and byte column. Lines past the end mean the end of the text;
    /// columns past the end of the line mean the end of the line (before its line break).
    pub fn offset(&self, pos: LineCol) -> u32 {
        let Some(line) = self.line_span(pos.line) else {
            return self.len;
        };
        self.clamp(line.start.saturating_add(pos.col).min(line.end))
    }

    /// Line and UTF-16 column of `offset`, after [`LineIndex::clamp`]; for LSP positions.
    pub fn utf16_line_col(&self, offset: u32) -> Utf16LineCol {
        let LineCol { line, col } = self.line_col(offset);
        let line_start = self.line_starts[line as usize];
        let saved: u32 = self
            .wide_chars_between(line_start, line_start + col)
            .iter()
            .map(|wide| u32::from(wide.utf8_len - wide.utf16_len))
            .sum();
        Utf16LineCol {
            line,
            col: col - saved,
        }
    }

    /// Byte offset of a line and UTF-16 column, clamped like [`LineIndex::offset`]. A column
    /// between the two halves of a surrogate pair means the start of that character.
    pub fn offset_from_utf16(&self, pos: Utf16LineCol) -> u32 {
        let Some(line) = self.line_span(pos.line) else {
            return self.len;
        };
        let mut offset = line.start;
        let mut units_left = pos.col;
        for wide in self.wide_chars_between(line.start, line.end) {
            // ASCII bytes before this character are one unit each.
            let ascii = wide.start - offset;
            if units_left < ascii {
                return offset + units_left;
            }
            units_left -= ascii;
            offset = wide.start;
            if units_left < u32::from(wide.utf16_len) {
                return offset;
            }
            units_left -= u32::from(wide.utf16_len);
            offset = wide.end();
        }
        offset.saturating_add(units_left).min(line.end)
    }

    /// 1-based line and 1-based character column of `offset`, after [`LineIndex::clamp`].
    pub fn human_line_col(&self, offset: u32) -> HumanLineCol {
        let LineCol { line, col } = self.line_col(offset);
        let line_start = self.line_starts[line as usize];
        let extra_bytes: u32 = self
            .wide_chars_between(line_start, line_start + col)
            .iter()
            .map(|wide| u32::from(wide.utf8_len - 1))
            .sum();
        HumanLineCol {
            line: line + 1,
            column: col - extra_bytes + 1,
        }
    }

    /// The 0-based line holding `offset`, which must already be clamped.
    fn line_of(&self, offset: u32) -> u32 {
        // `line_starts[0] == 0 <= offset`, so the partition point is at least 1.
        (self.line_starts.partition_point(|&start| start <= offset) - 1) as u32
    }

    /// The multi-byte character that `offset` points strictly inside of, if any.
    fn wide_char_containing(&self, offset: u32) -> Option<WideChar> {
        let idx = self.wide_chars.partition_point(|wide| wide.start < offset);
        let before = self.wide_chars.get(idx.checked_sub(1)?)?;
        (offset < before.end()).then_some(*before)
    }

    /// Whether `offset` sits between the `\r` and `\n` of a line break.
    fn splits_crlf(&self, offset: u32) -> bool {
        let Some(next) = offset.checked_add(1) else {
            return false;
        };
        match self.line_starts.binary_search(&next) {
            // `next` is a line start, so `offset` holds the `\n` ending the line before.
            Ok(next_line) => self.crlf_lines.binary_search(&(next_line as u32 - 1)).is_ok(),
            Err(_) => false,
        }
    }

    /// The multi-byte characters that start in `start..end`.
    fn wide_chars_between(&self, start: u32, end: u32) -> &[WideChar] {
        let from = self.wide_chars.partition_point(|wide| wide.start < start);
        let to = self.wide_chars.partition_point(|wide| wide.start < end);
        &self.wide_chars[from..to.max(from)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    fn utf16(line: u32, col: u32) -> Utf16LineCol {
        Utf16LineCol { line, col }
    }

    fn human(line: u32, column: u32) -> HumanLineCol {
        HumanLineCol { line, column }
    }

    #[test]
    fn db_hands_out_ids_in_order() {
        let mut db = SourceDb::new();
        assert!(db.is_empty());
        let a = db.add("a.krl", "ruleset a {}");
        let b = db.add(String::from("b.krl"), String::from("x\ny"));
        assert_eq!((a, b), (FileId(0), FileId(1)));
        assert_eq!(db.name(b), "b.krl");
        assert_eq!(db.text(a), "ruleset a {}");
        assert_eq!(db[b].lines().line_count(), 2);
        assert!(db.try_get(FileId(2)).is_none());
        let names: Vec<_> = db.iter().map(|(id, file)| (id, file.name())).collect();
        assert_eq!(names, [(a, "a.krl"), (b, "b.krl")]);
        assert_eq!((&db).into_iter().len(), 2);
    }

    #[test]
    fn ascii_lines() {
        let index = LineIndex::new("ab\ncd\n");
        assert_eq!(index.line_starts(), [0, 3, 6]);
        assert_eq!(index.line_count(), 3);
        assert_eq!(index.line_col(0), lc(0, 0));
        assert_eq!(index.line_col(2), lc(0, 2)); // the `\n` ends line 0
        assert_eq!(index.line_col(3), lc(1, 0));
        assert_eq!(index.line_col(6), lc(2, 0)); // EOF after a final newline: an empty last line
        assert_eq!(index.human_line_col(4), human(2, 2));
        assert_eq!(index.line_span(0), Some(Span::new(0, 2)));
        assert_eq!(index.line_span(2), Some(Span::new(6, 6)));
        assert_eq!(index.line_span(3), None);
    }

    #[test]
    fn empty_text() {
        let index = LineIndex::new("");
        assert!(index.is_empty());
        assert_eq!(index.line_starts(), [0]);
        assert_eq!(index.line_col(0), lc(0, 0));
        assert_eq!(index.line_col(10), lc(0, 0));
        assert_eq!(index.utf16_line_col(3), utf16(0, 0));
        assert_eq!(index.human_line_col(0), human(1, 1));
        assert_eq!(index.offset(lc(0, 5)), 0);
        assert_eq!(index.offset_from_utf16(utf16(7, 7)), 0);
        assert_eq!(index.clamp_span(Span { start: 9, end: 3 }), Span::empty(0));
    }

    #[test]
    fn offset_at_eof_without_final_newline() {
        let index = LineIndex::new("ab\ncd");
        assert_eq!(index.line_col(5), lc(1, 2));
        assert_eq!(index.human_line_col(5), human(2, 3));
        assert_eq!(index.utf16_line_col(5), utf16(1, 2));
        assert_eq!(index.offset_from_utf16(utf16(1, 2)), 5);
    }

    #[test]
    fn offsets_past_the_end_clamp_to_the_end() {
        let index = LineIndex::new("ab\ncd");
        assert_eq!(index.clamp(99), 5);
        assert_eq!(index.line_col(u32::MAX), lc(1, 2));
        assert_eq!(index.clamp_span(Span { start: 4, end: 99 }), Span::new(4, 5));
        assert_eq!(index.clamp_span(Span { start: 98, end: 99 }), Span::empty(5));
    }

    #[test]
    fn crlf_is_one_line_break() {
        let text = "a\r\nbc\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_starts(), [0, 3, 7]);
        assert_eq!(index.line_col(1), lc(0, 1)); // the `\r`
        assert_eq!(index.line_col(2), lc(0, 1)); // between `\r` and `\n`: inside the line break
        assert_eq!(index.clamp(6), 5);
        assert_eq!(index.utf16_line_col(6), utf16(1, 2));
        // A span ending between `\r` and `\n` (a comment token, say) still ends on its line.
        assert_eq!(index.clamp_span(Span::new(3, 6)), Span::new(3, 5));
        assert_eq!(index.line_col(3), lc(1, 0));
        assert_eq!(index.line_span(0), Some(Span::new(0, 1)));
        assert_eq!(index.line_span(1), Some(Span::new(3, 5)));
        // Columns past the end of a line stop before its line break.
        assert_eq!(index.offset(lc(0, 10)), 1);
        assert_eq!(index.offset_from_utf16(utf16(1, 10)), 5);
        assert_eq!(index.offset(lc(9, 0)), text.len() as u32);
    }

    /// The word-wise scan finds every line break, `\r\n` and multi-byte character wherever it
    /// falls in or across the eight-byte words, as a character-by-character reading does.
    #[test]
    fn the_index_matches_a_reading_character_by_character() {
        let pieces = ["a", "bcdefgh", "\n", "\r\n", "\r", "é", "😀", "        ", "\t"];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let index = LineIndex::new(&text);
            let mut line_starts = vec![0];
            let mut crlf_lines = Vec::new();
            let mut wide_chars = 0;
            for (offset, ch) in text.char_indices() {
                if ch == '\n' {
                    if text[..offset].ends_with('\r') {
                        crlf_lines.push(line_starts.len() as u32 - 1);
                    }
                    line_starts.push(offset as u32 + 1);
                }
                wide_chars += usize::from(!ch.is_ascii());
            }
            assert_eq!(index.line_starts, line_starts, "{text:?}");
            assert_eq!(index.crlf_lines, crlf_lines, "{text:?}");
            assert_eq!(index.wide_chars.len(), wide_chars, "{text:?}");
        }
    }

    #[test]
    fn lone_cr_is_not_a_line_break() {
        let index = LineIndex::new("a\rb\n\r");
        assert_eq!(index.line_starts(), [0, 4]);
        assert_eq!(index.line_col(2), lc(0, 2));
        assert_eq!(index.line_span(0), Some(Span::new(0, 3)));
        assert_eq!(index.line_span(1), Some(Span::new(4, 5)));
    }

    #[test]
    fn non_ascii_columns() {
        // é is 2 bytes and 1 UTF-16 unit; 😀 is 4 bytes and 2 UTF-16 units.
        let text = "é😀x\n😀";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(x, 6);
        assert_eq!(index.line_col(x), lc(0, 6));
        assert_eq!(index.utf16_line_col(x), utf16(0, 3));
        assert_eq!(index.human_line_col(x), human(1, 3));
        assert_eq!(index.utf16_line_col(2), utf16(0, 1)); // start of 😀
        assert_eq!(index.utf16_line_col(text.len() as u32), utf16(1, 2));
        assert_eq!(index.human_line_col(text.len() as u32), human(2, 2));

        assert_eq!(index.offset_from_utf16(utf16(0, 0)), 0);
        assert_eq!(index.offset_from_utf16(utf16(0, 1)), 2);
        assert_eq!(index.offset_from_utf16(utf16(0, 3)), x);
        assert_eq!(index.offset_from_utf16(utf16(0, 4)), x + 1);
        assert_eq!(index.offset_from_utf16(utf16(0, 99)), x + 1);
        assert_eq!(index.offset_from_utf16(utf16(1, 2)), text.len() as u32);
        // Between the two halves of 😀's surrogate pair: the start of 😀.
        assert_eq!(index.offset_from_utf16(utf16(0, 2)), 2);
    }

    #[test]
    fn offsets_inside_a_character_clamp_to_its_start() {
        let text = "é😀";
        let index = LineIndex::new(text);
        assert_eq!(index.clamp(1), 0);
        for inside in 3..6 {
            assert_eq!(index.clamp(inside), 2);
            assert_eq!(index.line_col(inside), lc(0, 2));
            assert_eq!(index.utf16_line_col(inside), utf16(0, 1));
        }
        assert_eq!(index.offset(lc(0, 4)), 2);
        // Spans widen to whole characters instead, so they never lose what they cover.
        assert_eq!(index.clamp_span(Span { start: 1, end: 3 }), Span::new(0, 6));
        assert_eq!(index.clamp_span(Span { start: 5, end: 1 }), Span::new(0, 6));
    }

    #[test]
    fn every_offset_round_trips_through_every_unit() {
        let text = "ruleset é {\r\n  x = \"😀\"\u{2028}y\r\n\rz\t\n";
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            if text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
                continue; // inside a line break: covered by `crlf_is_one_line_break`
            }
            let offset = offset as u32;
            let pos = index.line_col(offset);
            assert_eq!(index.offset(pos), offset, "bytes at {offset}");
            let pos = index.utf16_line_col(offset);
            assert_eq!(index.offset_from_utf16(pos), offset, "utf-16 at {offset}");

            // Cross-check against the text itself.
            let before = &text[..offset as usize];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let line = before.matches('\n').count() as u32;
            let on_line = &before[line_start..];
            assert_eq!(pos, utf16(line, on_line.encode_utf16().count() as u32));
            let expected = human(line + 1, on_line.chars().count() as u32 + 1);
            assert_eq!(index.human_line_col(offset), expected);
        }
    }

    #[test]
    fn never_panics_on_any_offset() {
        let text = "é\r\n😀\n\nabc";
        let index = LineIndex::new(text);
        let len = text.len() as u32;
        for offset in (0..len + 3).chain([u32::MAX - 1, u32::MAX]) {
            let clamped = index.clamp(offset);
            assert!(text.is_char_boundary(clamped as usize));
            let _ = (
                index.line_col(offset),
                index.utf16_line_col(offset),
                index.human_line_col(offset),
            );
            for other in [0, 1, 3, len, len + 1, u32::MAX] {
                let span = index.clamp_span(Span {
                    start: offset,
                    end: other,
                });
                assert!(span.start <= span.end && span.end <= len);
                assert!(text.get(span.range()).is_some());
            }
        }
        for line in [0, 1, 2, 3, 4, 5, u32::MAX] {
            for col in [0, 1, 2, 3, 100, u32::MAX] {
                let offset = index.offset(lc(line, col));
                assert!(text.is_char_boundary(offset as usize));
                let offset = index.offset_from_utf16(utf16(line, col));
                assert!(text.is_char_boundary(offset as usize));
            }
        }
    }
}
