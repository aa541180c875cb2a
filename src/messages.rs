//! Every message disan gives editors, each with its English and its Vietnamese wording side by side.
//!
//! A message is a value ([`Msg`]), not a string: it is written once here with both wordings, and where a
//! problem is found the code names the message and fills in its pieces (a key, a file name, a number).
//! The [`messages!`] table will not compile without both wordings, and nothing else makes a `Msg`, so a
//! message cannot be reworded or added without its Vietnamese.
//!
//! ```
//! // A message with both wordings is a type of its own (this is how the table below is written):
//! disan::messages! {
//!     /// A panorama taken upside down.
//!     UpsideDown { file: String } => "panorama `{file}` is upside down", "ảnh toàn cảnh `{file}` bị lộn ngược";
//! }
//! assert_eq!(Msg::UpsideDown { file: "a.jpg".into() }.vi(), "ảnh toàn cảnh `a.jpg` bị lộn ngược");
//! ```
//!
//! ```compile_fail
//! // A new or reworded message given as English text alone is refused by the type:
//! let d = disan::report::Diagnostic::file("sites/demo.yaml", "the panorama is upside down");
//! ```
//!
//! ```compile_fail
//! // A message in the table without its Vietnamese wording does not compile either:
//! disan::messages! {
//!     /// A panorama taken upside down.
//!     UpsideDown { file: String } => "panorama `{file}` is upside down";
//! }
//! ```

/// Declares the message type: each line is a variant with its pieces, then its English and its Vietnamese
/// wording (`{piece}` is replaced by the piece, which is itself shown in the same language when it is a
/// message). Both wordings are required by the grammar of the table.
#[macro_export]
#[doc(hidden)]
macro_rules! messages {
    ($( $(#[$doc:meta])* $name:ident $({ $($field:ident : $ty:ty),* $(,)? })? => $en:literal, $vi:literal; )*) => {
        /// A message for editors, in English and Vietnamese.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Msg {
            $( $(#[$doc])* $name $({ $(#[allow(missing_docs)] $field: $ty),* })?, )*
        }

        impl Msg {
            /// The message in English, as `disan check` always prints it.
            pub fn en(&self) -> String {
                self.render(false)
            }

            /// The message in Vietnamese, printed under the English with `--lang vi`.
            pub fn vi(&self) -> String {
                self.render(true)
            }

            fn render(&self, vi: bool) -> String {
                #[allow(unused_imports)]
                use $crate::messages::Piece as _;
                match self {
                    $( Msg::$name $({ $($field),* })? => {
                        $($( let $field = $field.piece(vi); )*)?
                        if vi { format!($vi) } else { format!($en) }
                    } )*
                }
            }
        }
    };
}

/// A piece of a message: names and numbers are shown as they are, messages in the language asked for.
pub trait Piece {
    /// The piece as shown in the message, in Vietnamese when `vi`.
    fn piece(&self, vi: bool) -> String;
}

impl Piece for String {
    fn piece(&self, _: bool) -> String {
        self.clone()
    }
}

impl Piece for u64 {
    fn piece(&self, _: bool) -> String {
        self.to_string()
    }
}

impl Piece for usize {
    fn piece(&self, _: bool) -> String {
        self.to_string()
    }
}

impl Piece for u32 {
    fn piece(&self, _: bool) -> String {
        self.to_string()
    }
}

impl Piece for f64 {
    fn piece(&self, _: bool) -> String {
        self.to_string()
    }
}

impl Piece for Box<Msg> {
    fn piece(&self, vi: bool) -> String {
        self.render(vi)
    }
}

impl std::fmt::Display for Msg {
    /// English, for logs and errors that are not shown to editors in their language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for Msg {}

impl Msg {
    /// Boxes a message that is a piece of another (the reason a file cannot be read).
    pub fn boxed(self) -> Box<Msg> {
        Box::new(self)
    }
}

messages! {
    // YAML structure.
    /// A key the file format does not have.
    UnknownKey { key: String } => "unknown key `{key}`", "khóa `{key}` không có trong định dạng của tệp này";
    /// A value not among those allowed.
    UnknownValue { value: String } => "unknown value `{value}`", "giá trị `{value}` không được phép ở đây";
    /// A required key left out.
    MissingField { key: String } => "missing field `{key}`", "thiếu khóa bắt buộc `{key}`";
    /// A value of the wrong kind; `found` is the YAML reader's description of it.
    WrongType { found: String, expected: Box<Msg> } =>
        "wrong type: {found}, expected {expected}", "sai kiểu giá trị: đang là {found}, cần {expected}";
    /// What a number key expects.
    ANumber => "a number", "một số";
    /// What a count key expects.
    AWholeNumber => "a whole number", "một số nguyên";
    /// What a yes/no key expects.
    TrueOrFalse => "true or false", "true hoặc false";
    /// Words of the YAML reader that have no translation (rare kinds of value, unusual syntax errors),
    /// shown as they are in both languages.
    ReaderSaid { said: String } => "{said}", "{said}";
    /// A YAML reader's error without a wording of ours, marked as such in Vietnamese.
    YamlError { said: String } => "{said}", "lỗi YAML: {said}";
    /// A tab in the indentation.
    TabIndentation => "a tab is used for indentation", "dòng này thụt lề bằng phím Tab";
    /// The same key twice in one mapping.
    DuplicateKey { key: String } => "duplicate key `{key}`", "khóa `{key}` bị lặp lại";
    /// Bytes that are not UTF-8.
    NotUtf8 => "the file is not valid UTF-8 text", "tệp không phải văn bản UTF-8 hợp lệ";
    /// The file could not be read.
    CannotReadFile { why: String } => "cannot read the file: {why}", "không đọc được tệp: {why}";
    /// `sites/` could not be listed.
    CannotReadSites { why: String } => "cannot read the sites folder: {why}", "không đọc được thư mục sites: {why}";
    /// Nothing more precise is known.
    CollectionUnreadable => "the collection could not be read", "không đọc được bộ sưu tập";
    // YAML syntax (the parser's own words, explained).
    /// libyaml: "did not find expected key".
    SyntaxExpectedKey => "did not find expected key", "sai cú pháp YAML: không tìm thấy khóa ở chỗ này";
    /// libyaml: "mapping values are not allowed in this context".
    SyntaxMappingValue =>
        "mapping values are not allowed in this context", "sai cú pháp YAML: không được dùng `: ` ở chỗ này";
    /// libyaml: "did not find expected '-' indicator".
    SyntaxExpectedDash =>
        "did not find expected '-' indicator", "sai cú pháp YAML: thiếu dấu `-` của mục danh sách";
    /// libyaml: "could not find expected ':'".
    SyntaxExpectedColon => "could not find expected ':'", "sai cú pháp YAML: thiếu dấu `:` sau khóa";
    /// libyaml: "found character that cannot start any token".
    SyntaxBadCharacter =>
        "found character that cannot start any token",
        "sai cú pháp YAML: giá trị bắt đầu bằng ký tự không được phép";
    /// disan started outside a collection.
    NotACollection =>
        "this folder is not a collection: it has no `sites/` folder",
        "thư mục này không phải một bộ sưu tập: không có thư mục `sites/`";

    // Text and languages.
    /// A text without one of the collection's languages.
    MissingText { path: String, lang: String } => "`{path}` has no `{lang}` text", "`{path}` chưa có nội dung bằng `{lang}`";
    /// A text left empty in one language.
    EmptyText { path: String, lang: String } => "`{path}` is empty in `{lang}`", "`{path}` đang để trống ở `{lang}`";
    /// A language the collection does not list.
    UnknownLanguage { lang: String } =>
        "language `{lang}` is not one of the collection's languages",
        "ngôn ngữ `{lang}` không thuộc các ngôn ngữ của bộ sưu tập";
    /// `languages:` is empty.
    NoLanguages => "no languages are listed", "chưa khai báo ngôn ngữ nào";
    /// Not a language code.
    NotALanguageCode { code: String } => "`{code}` is not a language code", "`{code}` không phải mã ngôn ngữ";
    /// A language listed twice.
    LanguageTwice { lang: String } => "language `{lang}` is listed twice", "ngôn ngữ `{lang}` được khai báo hai lần";
    /// A language disan has no interface words for: its pages use English buttons and headings.
    NoInterfaceWords { lang: String } =>
        "disan has no interface words in `{lang}`: buttons and headings of its pages will be in English",
        "disan chưa có từ ngữ giao diện bằng `{lang}`: nút bấm và tiêu đề trên các trang của ngôn ngữ này sẽ bằng tiếng Anh";
    /// `placard_languages` does not name two languages.
    PlacardLanguagesCount { count: usize } =>
        "`placard_languages` names {count} languages, not two",
        "`placard_languages` ghi {count} ngôn ngữ, không phải hai";
    /// `placard_languages` names the same language twice.
    PlacardLanguagesSame { lang: String } =>
        "`placard_languages` names `{lang}` twice", "`placard_languages` ghi `{lang}` hai lần";

    // Numbers, versions, addresses.
    /// A number outside its range.
    OutOfRange { path: String, value: f64, min: f64, max: f64 } =>
        "`{path}` is {value}, outside {min} to {max}", "`{path}` bằng {value}, nằm ngoài khoảng {min} đến {max}";
    /// A schema version this program does not read.
    SchemaUnsupported { version: u32 } =>
        "schema version {version} is not supported", "phiên bản định dạng {version} không được hỗ trợ";
    /// `public_url` is not usable; `why` says how.
    PublicUrl { why: Box<Msg> } => "`public_url` {why}", "`public_url` {why}";
    /// Why an address is not usable: no scheme.
    UrlNeedsScheme => "must start with https:// (or http://)", "phải bắt đầu bằng https:// (hoặc http://)";
    /// Why an address is not usable: no host.
    UrlNoHost => "has no host name", "thiếu tên miền";
    /// Why an address is not usable: it is local.
    UrlLocal =>
        "is a local address that visitors' phones cannot reach",
        "là địa chỉ nội bộ, điện thoại của khách không truy cập được";
    /// Why an address is not usable: query, fragment or spaces.
    UrlNotPlain =>
        "must be a plain address without spaces, `?` or `#`",
        "phải là địa chỉ đơn giản, không có dấu cách, `?` hay `#`";

    // Sites, scenes, hotspots, placards.
    /// `order` names a site that has no file.
    OrderNamesNoSite { slug: String } =>
        "`order` names `{slug}`, which is not a site", "`order` ghi `{slug}`, nhưng không có di tích nào tên như vậy";
    /// A site listed twice in `order`.
    OrderTwice { slug: String } => "`{slug}` is listed twice in `order`", "`{slug}` xuất hiện hai lần trong `order`";
    /// A slug that cannot be an address segment.
    BadSlug { slug: String } =>
        "slug `{slug}` is not a valid address segment", "tên ngắn `{slug}` không dùng được trong địa chỉ web";
    /// A slug that differs from its file's name.
    SlugDiffers { slug: String, file: String } =>
        "slug `{slug}` differs from the file name `{file}`", "tên ngắn `{slug}` khác với tên tệp `{file}`";
    /// Two sections of the same kind.
    SectionTwice => "this section kind appears twice", "loại mục này xuất hiện hai lần";
    /// A scene id that cannot be an address fragment.
    BadSceneId { id: String } => "scene id `{id}` is not valid", "mã cảnh `{id}` không hợp lệ";
    /// Two scenes with one id.
    SceneIdTwice { id: String } =>
        "scene id `{id}` is used twice in this site", "mã cảnh `{id}` được dùng hai lần trong di tích này";
    /// A scene hotspot without a target.
    SceneHotspotNeedsTarget => "a scene hotspot needs a `target`", "điểm chuyển cảnh cần có `target`";
    /// A hotspot to a scene that does not exist.
    HotspotToMissingScene { scene: String } =>
        "hotspot points to scene `{scene}`, which does not exist",
        "điểm nóng dẫn tới cảnh `{scene}`, nhưng cảnh này không có";
    /// An info hotspot with a target.
    InfoHotspotTarget => "an info hotspot has no `target`", "điểm thông tin không dùng `target`";
    /// An info hotspot without text.
    InfoHotspotNeedsText => "an info hotspot needs a `text`", "điểm thông tin cần có `text`";
    /// A narration entry with nothing in it.
    NarrationEmpty { lang: String } =>
        "narration in `{lang}` has neither `audio` nor `transcript`",
        "lời thuyết minh `{lang}` chưa có `audio` lẫn `transcript`";
    /// A narration without one of the collection's languages.
    NarrationMissingLanguage { lang: String } =>
        "narration has no `{lang}` entry", "lời thuyết minh chưa có mục `{lang}`";
    /// Two placards with one code.
    PlacardCodeTwice { code: String } => "placard code `{code}` is already used", "mã biển `{code}` đã được dùng";
    /// A placard code that cannot be printed.
    BadPlacardCode { code: String } => "placard code `{code}` is not valid", "mã biển `{code}` không hợp lệ";
    /// A placard to a scene that does not exist.
    PlacardToMissingScene { scene: String } =>
        "placard opens scene `{scene}`, which does not exist", "biển mở cảnh `{scene}`, nhưng cảnh này không có";
    /// A printed code that nothing uses and is not retired.
    PublishedCodeLost { code: String } =>
        "published code `{code}` no longer leads anywhere", "mã đã in `{code}` không còn dẫn tới đâu";
    /// A retired code on a new placard.
    RetiredCodeReused { code: String, site: String } =>
        "retired code `{code}` is used again by a placard of `{site}`",
        "mã đã thôi dùng `{code}` lại được gán cho một biển của `{site}`";
    /// A retired code pointing nowhere.
    RetiredCodeToMissingSite { code: String, site: String } =>
        "retired code `{code}` points to site `{site}`, which does not exist",
        "mã đã thôi dùng `{code}` dẫn tới di tích `{site}`, nhưng di tích này không có";
    /// A retired code pointing to a missing scene.
    RetiredCodeToMissingScene { code: String, scene: String, site: String } =>
        "retired code `{code}` points to a scene `{scene}` that `{site}` does not have",
        "mã đã thôi dùng `{code}` dẫn tới cảnh `{scene}`, nhưng `{site}` không có cảnh này";
    /// A tile quality outside 1 to 100.
    TileQuality { quality: String } =>
        "tile quality {quality} is out of range", "chất lượng ảnh của tile {quality} nằm ngoài khoảng cho phép";

    // Media.
    /// A media path that leaves the site's folder.
    PathLeavesContent { file: String } =>
        "`{file}` is not a path inside the site's content folder",
        "`{file}` không phải đường dẫn trong thư mục nội dung của di tích";
    /// A media file that is not there.
    FileNotFound { file: String } => "file `{file}` not found", "không tìm thấy tệp `{file}`";
    /// A panorama that cannot be decoded; `why` says how.
    PanoramaUnreadable { file: String, why: Box<Msg> } =>
        "panorama `{file}` cannot be read: {why}", "không đọc được ảnh toàn cảnh `{file}`: {why}";
    /// A panorama that is not 2:1.
    PanoramaNotTwoToOne { file: String, size: String } =>
        "panorama `{file}` is {size}, not 2:1", "ảnh toàn cảnh `{file}` có kích thước {size}, không phải tỉ lệ 2:1";
    /// A panorama too small to tile.
    PanoramaTooSmall { file: String, size: String } =>
        "panorama `{file}` is only {size}", "ảnh toàn cảnh `{file}` chỉ có {size}";
    /// A photo that cannot be decoded.
    PhotoUnreadable { file: String, why: Box<Msg> } =>
        "photo `{file}` cannot be read: {why}", "không đọc được ảnh `{file}`: {why}";
    /// A recording that is not usable; `why` says how.
    AudioProblem { file: String, why: Box<Msg> } => "audio `{file}` {why}", "tệp âm thanh `{file}` {why}";
    /// Why a recording is not usable: its format.
    AudioUnsupported { formats: String } =>
        "has an unsupported format; use one of: {formats}", "có định dạng không hỗ trợ; hãy dùng một trong: {formats}";
    /// Why a recording is not usable: reading failed.
    AudioCannotRead { why: String } => "cannot be read: {why}", "không đọc được: {why}";
    /// Why a recording is not usable: not what its name says.
    AudioNotReal { ext: String } => "is empty or not a real .{ext} file", "trống hoặc không thực sự là tệp .{ext}";
    /// Why a recording is not usable: the encoder refused (not the editor's doing).
    AudioEncoding { why: String } => "cannot be encoded: {why}", "không mã hóa được: {why}";
    /// Why a recording is not usable: not sound in a format we decode.
    AudioNotSound => "is not a sound recording that can be read", "không phải tệp ghi âm đọc được";
    /// Why a recording is not usable: Opus, which nothing we ship decodes.
    AudioOpus => "is in the Opus format, which cannot be read yet", "ở định dạng Opus, hiện chưa đọc được";
    /// Why a recording is not usable: nothing in it.
    AudioSilent { loudest: String } =>
        "is silent: its loudest moment is {loudest} dBFS", "không có tiếng: chỗ to nhất chỉ đạt {loudest} dBFS";
    /// Why a recording is not usable: recorded too loud.
    AudioClipped { percent: String } =>
        "is clipped throughout: {percent}% of its sounding seconds hit full scale",
        "bị méo tiếng (thu quá to) suốt bản ghi: {percent}% số giây có tiếng chạm mức tối đa";
    /// Why a recording is not usable: too long.
    AudioTooLong { length: String, limit: String } =>
        "lasts {length}, longer than the {limit}-minute limit", "dài {length}, quá giới hạn {limit} phút";
    /// Which recordings work.
    HintAudioFile =>
        "use the file the phone's recorder saved (M4A, MP3, WAV, OGG or FLAC)",
        "dùng đúng tệp mà ứng dụng ghi âm của điện thoại đã lưu (M4A, MP3, WAV, OGG hoặc FLAC)";
    /// What to do with Opus.
    HintAudioOpus =>
        "share the recording from the phone as M4A or MP3, or convert it to one of them",
        "gửi bản ghi từ điện thoại dưới dạng M4A hoặc MP3, hoặc chuyển sang một trong hai định dạng đó";
    /// What to do with silence.
    HintAudioSilent =>
        "check that the file is the right one and that the microphone was not covered",
        "kiểm tra xem có đúng tệp không và micrô có bị che khi ghi âm không";
    /// What to do with clipping.
    HintAudioClipped =>
        "record again with the phone a hand's width further from the mouth, or with a lower recording level",
        "ghi âm lại, để điện thoại xa miệng thêm một gang tay, hoặc giảm mức thu";
    /// What to do with a long recording.
    HintAudioTooLong => "split it: give each scene its own narration", "hãy chia nhỏ: mỗi cảnh một lời thuyết minh riêng";
    /// Why an image cannot be read: an error of the operating system.
    ImageIo { why: String } => "{why}", "{why}";
    /// Why an image cannot be read: not an image format we read.
    NotJpegOrPng => "not a JPEG or PNG image", "không phải ảnh JPEG hay PNG";
    /// Why an image cannot be read: a cut-off JPEG.
    JpegTruncated =>
        "the JPEG is truncated: its end marker is missing (copy the file again)",
        "tệp JPEG bị cụt: thiếu dấu kết thúc (hãy chép lại tệp)";
    /// Why an image cannot be read: its header claims more rows than its data holds.
    JpegShort { w: u32, h: u32, rows: u32 } =>
        "the JPEG says it is {w}×{h}, but its data ends after {rows} of those {h} rows (the file was damaged or its header edited; export it again)",
        "tệp JPEG ghi kích thước {w}×{h}, nhưng dữ liệu ảnh chỉ có {rows} trên {h} hàng (tệp bị hỏng hoặc phần đầu bị sửa; hãy xuất lại ảnh)";
    /// Why an image cannot be read: too many pixels a side.
    ImageTooLarge { w: u32, h: u32, limit: u32 } =>
        "{w}×{h} is larger than the {limit}-pixel limit", "{w}×{h} vượt giới hạn {limit} điểm ảnh";
    /// Why an image cannot be read: decoding would exceed the memory budget.
    ImageOverBudget { w: u32, h: u32, needs_mb: u64, budget_mb: u64, largest: String } =>
        "{w}×{h} needs {needs_mb} MB to decode, more than the {budget_mb} MB budget (the largest 2:1 panorama that fits is {largest})",
        "{w}×{h} cần {needs_mb} MB để giải mã, vượt mức {budget_mb} MB cho phép (ảnh toàn cảnh 2:1 lớn nhất vừa mức này là {largest})";
    /// Why an image cannot be read: the decoder's limits.
    ImageOverLimits { limit: u32 } =>
        "too large to decode safely (limit {limit} pixels a side)",
        "quá lớn để giải mã an toàn (giới hạn {limit} điểm ảnh mỗi cạnh)";
    /// Why an image cannot be read: the decoder's own words.
    ImageDecoder { said: String } =>
        "{said} (the file may be truncated or not an image)", "{said} (tệp có thể bị cụt hoặc không phải ảnh)";

    // Credits, facts, sponsors.
    /// A credit without its author.
    CreditNeedsAuthor => "a credit needs an `author`", "phần ghi công cần có `author`";
    /// All rights reserved, by nobody.
    ReservedNeedsHolder => "`all_rights_reserved` needs a `holder`", "`all_rights_reserved` cần có `holder`";
    /// A link that is not a web address.
    NotAWebAddress { url: String } => "`{url}` is not a web address", "`{url}` không phải địa chỉ web";
    /// A credit for a recording that is not there.
    CreditWithoutRecording =>
        "a credit is given but there is no recording", "có ghi công nhưng không có bản ghi âm";
    /// A fact of kind `other` without a label.
    OtherFactNeedsLabel => "a fact of kind `other` needs a `label`", "thông tin loại `other` cần có `label`";
    /// A fact with both a number and words.
    FactValueAndText => "a fact has both `value` and `text`", "thông tin có cả `value` lẫn `text`";
    /// A fact with neither.
    FactNeedsValue => "a fact needs a `value` or a `text`", "thông tin cần có `value` hoặc `text`";
    /// A unit on words.
    FactTextUnit => "a fact in words has no `unit`", "thông tin viết bằng chữ không dùng `unit`";
    /// A year that is not one.
    NotAYear { value: f64 } => "`{value}` is not a year", "`{value}` không phải một năm";
    /// A count that is not whole.
    CountNotWhole { kind: String, value: f64 } =>
        "`{kind}` is a count, and {value} is not a whole number", "`{kind}` là số đếm, mà {value} không phải số nguyên";
    /// A size that is not positive.
    NotPositive { kind: String, value: f64 } =>
        "`{kind}` is {value}, not a positive number", "`{kind}` bằng {value}, không phải số dương";
    /// A size without a unit.
    NeedsUnit { kind: String } => "`{kind}` needs a `unit`", "`{kind}` cần có `unit` (đơn vị)";
    /// A unit on a year.
    YearTakesNoUnit { kind: String, unit: String } =>
        "`{kind}` is a year and takes no unit, not `{unit}`", "`{kind}` là một năm nên không có đơn vị, không dùng `{unit}`";
    /// A unit on a count.
    CountTakesNoUnit { kind: String, unit: String } =>
        "`{kind}` is a count and takes no unit, not `{unit}`", "`{kind}` là số đếm nên không có đơn vị, không dùng `{unit}`";
    /// A unit of the wrong dimension.
    UnitDoesNotFit { unit: String, kind: String } =>
        "unit `{unit}` does not fit `{kind}`", "đơn vị `{unit}` không hợp với `{kind}`";
    /// A unit nobody knows.
    UnknownUnit { unit: String } => "unit `{unit}` is not known", "không biết đơn vị `{unit}`";
    /// A logo that cannot be decoded.
    LogoUnreadable { file: String, why: Box<Msg> } =>
        "logo `{file}` cannot be read: {why}", "không đọc được logo `{file}`: {why}";

    // Links, file size and depth.
    /// A source link that cannot be published; `why` says how.
    SourceLink { url: String, why: Box<Msg> } => "source link `{url}` {why}", "liên kết nguồn `{url}` {why}";
    /// Why a link cannot be published: not http(s).
    LinkNotWeb =>
        "is not a web address: only http:// and https:// links are published",
        "không phải địa chỉ web: chỉ liên kết http:// và https:// mới được đăng";
    /// Why a link cannot be published: hidden characters.
    LinkHasSpace => "contains a space, tab or control character", "có dấu cách, Tab hoặc ký tự điều khiển";
    /// A YAML file past the size limit.
    YamlTooBig { kb: u64, limit_kb: u64 } =>
        "the file is {kb} KB, more than the {limit_kb} KB a YAML file may be",
        "tệp nặng {kb} KB, vượt quá {limit_kb} KB cho phép với một tệp YAML";
    /// A YAML file nested past the depth limit.
    YamlTooDeep { depth: usize } =>
        "the YAML nests more than {depth} levels deep", "tệp YAML lồng nhau sâu quá {depth} tầng";

    // Hints.
    /// A near miss.
    DidYouMean { word: String } => "did you mean `{word}`?", "có phải ý bạn là `{word}`?";
    /// Hint for a quoted start followed by more text.
    HintQuote =>
        "a value that starts with a quote ends at the closing quote; put the whole text in quotes, or remove them",
        "giá trị mở đầu bằng dấu ngoặc kép sẽ kết thúc ở dấu ngoặc đóng; hãy đặt cả đoạn văn trong ngoặc kép, hoặc bỏ các dấu ngoặc";
    /// Hint for other syntax errors.
    HintSyntax =>
        "check this line's indentation and quotes: text containing `: ` or ` #`, or starting with a quote, must be quoted whole",
        "kiểm tra thụt lề và dấu ngoặc kép ở dòng này: đoạn văn có `: ` hoặc ` #`, hoặc mở đầu bằng dấu ngoặc kép, phải được đặt cả trong ngoặc kép";
    /// Where to run disan from.
    HintNotACollection =>
        "run disan in the collection's folder (the one holding sites/ and content/), point to it with `--root DIR`, or start one with `disan new collection DIR`",
        "hãy chạy disan trong thư mục của bộ sưu tập (thư mục chứa sites/ và content/), chỉ tới nó bằng `--root THƯ_MỤC`, hoặc tạo bộ sưu tập mới bằng `disan new collection THƯ_MỤC`";
    /// How to credit.
    HintCreditAuthor =>
        "write who took the photo or speaks in the recording, or add `generated: true` for generated media",
        "ghi tên người chụp ảnh hoặc người đọc bản ghi âm, hoặc thêm `generated: true` cho ảnh, âm thanh tạo tự động";
    /// How to fix all rights reserved without a holder.
    HintHolder { licences: String } =>
        "add `holder:` with who owns the rights, or choose an open licence: {licences}",
        "thêm `holder:` ghi ai giữ bản quyền, hoặc chọn một giấy phép mở: {licences}";
    /// How to write an address.
    HintFullAddress => "write the full address, starting with https://", "ghi đầy đủ địa chỉ, bắt đầu bằng https://";
    /// A credit without a recording.
    HintCreditNeedsAudio =>
        "add `audio:`, or remove `credit:`: the phone's own voice needs no credit",
        "thêm `audio:`, hoặc bỏ `credit:`: giọng đọc của điện thoại không cần ghi công";
    /// How to label an `other` fact.
    HintFactLabel =>
        "add `label:` saying what the fact is, per language", "thêm `label:` nói rõ đây là thông tin gì, cho từng ngôn ngữ";
    /// Number or words, not both.
    HintFactKeepOne =>
        "keep one: `value` for a number, `text` for words", "chỉ giữ một: `value` cho con số, `text` cho lời văn";
    /// Number or words.
    HintFactValue =>
        "write a number with `value:`, or words per language with `text:`",
        "ghi con số bằng `value:`, hoặc lời văn cho từng ngôn ngữ bằng `text:`";
    /// Drop the unit.
    HintRemoveUnit => "remove `unit:`", "bỏ `unit:`";
    /// How to write a year.
    HintYear { example: String } =>
        "write the year as a whole number, e.g. `value: {example}`; use `text:` for an era or a full date",
        "ghi năm bằng số nguyên, ví dụ `value: {example}`; dùng `text:` cho một thời kỳ hay ngày tháng đầy đủ";
    /// Counts are whole.
    HintWholeCount => "count buildings or steps in whole numbers", "số công trình hay số bậc phải là số nguyên";
    /// Sizes are positive.
    HintPositive => "write the size as a number above 0", "ghi kích thước bằng một số lớn hơn 0";
    /// Which units to add.
    HintAddUnit { units: String } => "add `unit:` with one of: {units}", "thêm `unit:` với một trong các đơn vị: {units}";
    /// Drop the unit of a count or year.
    HintNumberAlone => "remove `unit:` and write the number alone", "bỏ `unit:` và chỉ ghi con số";
    /// Units of a kind of fact.
    HintUnits { kind: String, units: String } => "units for `{kind}`: {units}", "đơn vị dùng cho `{kind}`: {units}";
    /// Logos are images.
    HintLogo => "use a PNG or JPEG image as the logo", "dùng ảnh PNG hoặc JPEG làm logo";
    /// Licences pages know.
    HintLicences { licences: String } =>
        "licences the pages can name and link: {licences}", "các giấy phép trang web ghi và dẫn link được: {licences}";
    /// What is allowed where a mistake was made.
    HintAllowedHere { allowed: String } => "allowed here: {allowed}", "được phép ở đây: {allowed}";
    /// Nothing by that name is allowed.
    HintKeyNotAllowed => "this key is not allowed here", "khóa này không được phép ở đây";
    /// No value by that name is allowed.
    HintValueNotAllowed => "this value is not allowed here", "giá trị này không được phép ở đây";
    /// Add the missing key.
    HintAddKey { key: String } => "add `{key}:` to this mapping", "thêm `{key}:` vào mục này";
    /// Spaces, not tabs.
    HintTab =>
        "YAML indents with spaces only; replace the tab with spaces",
        "YAML chỉ thụt lề bằng dấu cách; hãy thay Tab bằng dấu cách";
    /// Where the first of two keys is.
    HintDuplicate { key: String, line: usize } =>
        "`{key}` is already set on line {line}; keep only one", "`{key}` đã có ở dòng {line}; chỉ giữ một";
    /// Save as UTF-8.
    HintUtf8 => "save the file as UTF-8 in your editor", "lưu tệp với bảng mã UTF-8 trong trình soạn thảo";
    /// The languages there are.
    HintLanguages { langs: String } => "the collection's languages are: {langs}", "các ngôn ngữ của bộ sưu tập: {langs}";
    /// Add the missing language.
    HintAddLanguage { lang: String, path: String } =>
        "add `{lang}: …` under `{path}`; every language of the collection needs its text",
        "thêm `{lang}: …` dưới `{path}`; mỗi ngôn ngữ của bộ sưu tập đều cần nội dung";
    /// An angle's range.
    HintDegrees { min: f64, max: f64 } => "use a value from {min} to {max} (degrees)", "dùng giá trị từ {min} đến {max} (độ)";
    /// The schema this program reads.
    HintSchema { version: u32 } => "this version of disan reads `schema: {version}`", "phiên bản disan này đọc `schema: {version}`";
    /// How to list languages.
    HintListLanguages => "write `languages: [vi, en]`", "ghi `languages: [vi, en]`";
    /// What a language code looks like.
    HintLanguageCode => "use two-letter codes such as `vi` or `en`", "dùng mã hai chữ cái như `vi` hoặc `en`";
    /// How to add interface words for a language.
    HintInterfaceWords { lang: String, known: String } =>
        "pages in `{lang}` are complete once its words are added to disan (static/words/{lang}.yaml); languages with interface words: {known}",
        "các trang bằng `{lang}` sẽ đầy đủ khi từ ngữ của nó được thêm vào disan (static/words/{lang}.yaml); các ngôn ngữ đã có từ ngữ giao diện: {known}";
    /// How to choose placard languages.
    HintPlacardLanguages { langs: String } =>
        "write two of the collection's languages, the headline's first, e.g. `placard_languages: [{langs}]`",
        "ghi hai ngôn ngữ của bộ sưu tập, ngôn ngữ của dòng tiêu đề trước, ví dụ `placard_languages: [{langs}]`";
    /// How to write the public address.
    HintPublicUrl =>
        "write the address where the tour is published, e.g. `https://disan.example.vn`",
        "ghi địa chỉ nơi đăng trang tham quan, ví dụ `https://disan.example.vn`";
    /// Where a code is already used.
    HintCodeUsed { file: String, line: usize } =>
        "it is used in {file} line {line}; every printed code must lead to one place",
        "mã này đã dùng ở {file} dòng {line}; mỗi mã đã in chỉ dẫn tới một nơi";
    /// What an id looks like.
    HintId { example: String } =>
        "use lowercase letters a–z without diacritics, digits and hyphens, e.g. `{example}`",
        "dùng chữ thường a–z không dấu, chữ số và dấu gạch nối, ví dụ `{example}`";
    /// What a placard code looks like.
    HintPlacardCode =>
        "use up to 32 lowercase letters, digits and hyphens, e.g. `ss-dc1`",
        "dùng tối đa 32 ký tự gồm chữ thường, chữ số và dấu gạch nối, ví dụ `ss-dc1`";
    /// Give scenes their own ids.
    HintSceneIdTwice => "give each scene its own id", "đặt cho mỗi cảnh một mã riêng";
    /// Slugs come from file names.
    HintOrderSlugs => "list the slugs of files in sites/", "ghi tên ngắn của các tệp trong sites/";
    /// How to match a slug and its file.
    HintRenameFile { slug: String, stem: String } =>
        "rename the file to `{slug}.yaml` or set `slug: {stem}`", "đổi tên tệp thành `{slug}.yaml` hoặc đặt `slug: {stem}`";
    /// One section per kind.
    HintMergeSections => "merge the two sections into one", "gộp hai mục làm một";
    /// A scene hotspot's target.
    HintAddTarget => "add `target: <scene id>`", "thêm `target: <mã cảnh>`";
    /// Scenes there are.
    HintScenes { scenes: String } => "scenes of this site: {scenes}", "các cảnh của di tích này: {scenes}";
    /// Info hotspots do not link.
    HintInfoTarget =>
        "use `type: scene` to link to a scene, or remove `target`",
        "dùng `type: scene` để dẫn sang cảnh khác, hoặc bỏ `target`";
    /// Info hotspot text.
    HintInfoText =>
        "add `text:` with the words to show, per language", "thêm `text:` với nội dung hiển thị cho từng ngôn ngữ";
    /// A narration needs something.
    HintNarration => "add a recording, a transcript, or both", "thêm bản ghi âm, lời thuyết minh, hoặc cả hai";
    /// A narration's missing language.
    HintNarrationLanguage { lang: String } =>
        "add `{lang}:` with at least a `transcript`", "thêm `{lang}:` với ít nhất một `transcript`";
    /// How to write a media path.
    HintContentPath =>
        "write a path relative to content/<slug>/, such as `panoramas/gate.jpg`, without `..`",
        "ghi đường dẫn tính từ content/<slug>/, ví dụ `panoramas/gate.jpg`, không dùng `..`";
    /// Where a missing file goes.
    HintPutFile { path: String } => "put the file at {path}", "đặt tệp tại {path}";

    // Captions (WebVTT) of a recording, and the collection's local time.
    /// Captions without the recording they follow.
    CaptionsWithoutRecording =>
        "captions are given but there is no recording", "có phụ đề nhưng chưa có bản ghi âm";
    /// Captions in another format.
    CaptionsNotVtt { file: String } =>
        "captions `{file}` are not a WebVTT file", "phụ đề `{file}` không phải tệp WebVTT";
    /// A captions file too large to be captions.
    CaptionsTooLarge { file: String } =>
        "captions `{file}` are larger than 1 MB", "phụ đề `{file}` lớn hơn 1 MB";
    /// Captions that are not UTF-8.
    CaptionsNotUtf8 { file: String } =>
        "captions `{file}` are not UTF-8 text", "phụ đề `{file}` không phải văn bản UTF-8";
    /// Captions that cannot be read; `why` is the system's reason.
    CaptionsUnreadable { file: String, why: String } =>
        "captions `{file}` cannot be read: {why}", "không đọc được phụ đề `{file}`: {why}";
    /// A captions file without its header.
    CaptionsNoHeader =>
        "a captions file must start with the line `WEBVTT`", "tệp phụ đề phải bắt đầu bằng dòng `WEBVTT`";
    /// A cue without times.
    CueNoTiming => "this cue has no timing line", "đoạn phụ đề này thiếu dòng thời gian";
    /// A time that is not written the WebVTT way.
    CueBadTime { time: String } => "`{time}` is not a WebVTT time", "`{time}` không phải mốc thời gian WebVTT";
    /// A cue that ends before it starts.
    CueEndsBeforeStart { end: String, start: String } =>
        "this cue ends at {end} but starts at {start}", "đoạn phụ đề này kết thúc lúc {end} nhưng bắt đầu lúc {start}";
    /// A cue out of order.
    CueBeforePrevious { start: String, line: usize, previous: String } =>
        "this cue starts at {start}, before the cue above it (line {line}, {previous})",
        "đoạn phụ đề này bắt đầu lúc {start}, sớm hơn đoạn ở trên (dòng {line}, {previous})";
    /// A cue overlapping the one before.
    CueOverlaps { start: String, line: usize, until: String } =>
        "this cue starts at {start} while the cue above it (line {line}) lasts until {until}",
        "đoạn phụ đề này bắt đầu lúc {start} khi đoạn ở trên (dòng {line}) còn kéo dài đến {until}";
    /// A cue past the end of its recording.
    CuePastEnd { end: String, length: String } =>
        "this cue ends at {end}, after the recording ends ({length})",
        "đoạn phụ đề này kết thúc lúc {end}, sau khi bản ghi âm đã hết ({length})";
    /// A cue without words.
    CueNoText => "this cue has no text", "đoạn phụ đề này không có lời";
    /// A captions file without cues.
    CaptionsNoCues => "this captions file has no cues", "tệp phụ đề này chưa có đoạn nào";
    /// A local time offset that is not one.
    UtcOffsetBad { value: String } =>
        "`utc_offset` `{value}` is not an offset like +07:00", "`utc_offset` `{value}` không phải độ lệch giờ như +07:00";
    /// How to write caption times.
    HintCueTime =>
        "write times as minutes:seconds.milliseconds or hours:minutes:seconds.milliseconds, e.g. `01:02.500` or `00:01:02.500`",
        "viết thời gian dạng phút:giây.mili-giây hoặc giờ:phút:giây.mili-giây, ví dụ `01:02.500` hoặc `00:01:02.500`";
    /// How a cue begins.
    HintCueTiming =>
        "each cue starts with its times, e.g. `00:01.000 --> 00:04.500`, then its text on the next lines",
        "mỗi đoạn phụ đề bắt đầu bằng dòng thời gian, ví dụ `00:01.000 --> 00:04.500`, rồi đến lời ở các dòng sau";
    /// How a WebVTT file begins.
    HintVttHeader =>
        "save the captions as WebVTT (.vtt): the first line is `WEBVTT`, then a blank line, then the cues",
        "lưu phụ đề dạng WebVTT (.vtt): dòng đầu là `WEBVTT`, tiếp theo một dòng trống, rồi đến các đoạn phụ đề";
    /// A cue's end after its start.
    HintCueEndAfterStart => "a cue must end after it starts", "đoạn phụ đề phải kết thúc sau khi bắt đầu";
    /// Cues in order.
    HintCueOrder => "put the cues in the order they are spoken", "xếp các đoạn phụ đề theo thứ tự lời được nói";
    /// One cue at a time.
    HintCueOneAtATime =>
        "captions show one cue at a time: end the cue above at or before this one's start",
        "mỗi lúc chỉ hiện một đoạn phụ đề: cho đoạn ở trên kết thúc trước hoặc đúng lúc đoạn này bắt đầu";
    /// Captions of another recording.
    HintCaptionsBelong =>
        "check that the captions belong to this recording, and end the last cue within it",
        "kiểm tra phụ đề có đúng của bản ghi âm này không, và cho đoạn cuối kết thúc trước khi bản ghi hết";
    /// A cue needs words.
    HintCueWords =>
        "write the words spoken under the timing line, or remove the cue",
        "viết lời được nói dưới dòng thời gian, hoặc bỏ đoạn phụ đề này";
    /// Where cues go.
    HintAddCues =>
        "add cues after the `WEBVTT` line and a blank line, e.g. `00:00.000 --> 00:03.000` and the words",
        "thêm các đoạn phụ đề sau dòng `WEBVTT` và một dòng trống, ví dụ `00:00.000 --> 00:03.000` rồi đến lời";
    /// Captions need their recording.
    HintCaptionsNeedAudio =>
        "add `audio:` with the recording they follow, or remove `captions:`",
        "thêm `audio:` với bản ghi âm mà phụ đề đi theo, hoặc bỏ `captions:`";
    /// How to write a captions path.
    HintCaptionsPath =>
        "write a path relative to content/<slug>/, such as `captions/gate-vi.vtt`, without `..`",
        "viết đường dẫn tính từ content/<slug>/, ví dụ `captions/gate-vi.vtt`, không dùng `..`";
    /// Captions are `.vtt` files.
    HintVttName =>
        "save the captions as WebVTT, with the name ending in `.vtt`", "lưu phụ đề dạng WebVTT, tên tệp kết thúc bằng `.vtt`";
    /// Captions are small text files.
    HintCaptionsText =>
        "a captions file holds only text: check that this is the right file",
        "tệp phụ đề chỉ chứa chữ: hãy kiểm tra xem có đúng tệp không";
    /// Captions as UTF-8.
    HintCaptionsUtf8 => "save the captions as UTF-8", "lưu phụ đề dạng UTF-8";
    /// A file that cannot be read.
    HintPermissions => "check the file's permissions", "kiểm tra quyền đọc của tệp";
    /// How to write a local time offset.
    HintUtcOffset =>
        "write the local time's offset from UTC, e.g. `+07:00` for Vietnam",
        "ghi độ lệch của giờ địa phương so với giờ UTC, ví dụ `+07:00` cho Việt Nam";
    /// Panoramas are 2:1.
    HintEquirect =>
        "export the full 360° × 180° equirectangular image (width = 2 × height)",
        "xuất ảnh toàn cảnh đủ 360° × 180° dạng equirectangular (chiều rộng = 2 × chiều cao)";
    /// Panoramas are big enough.
    HintPanoramaWidth => "use an image at least 1024 pixels wide", "dùng ảnh rộng ít nhất 1024 điểm ảnh";
    /// What to do with a code nothing uses.
    HintRetire { target: String } =>
        "it was printed for {target}; put it back in that site's `placards`, or retire it: add `retired: true` and the site (and scene) it should open now",
        "mã này đã in cho {target}; hãy đưa lại vào `placards` của di tích đó, hoặc cho thôi dùng: thêm `retired: true` cùng di tích (và cảnh) mà mã cần mở từ nay";
    /// Retired codes are not reused.
    HintNewCode =>
        "give the new placard a new code; a retired code keeps leading to its old target",
        "đặt mã mới cho biển mới; mã đã thôi dùng vẫn dẫn tới nơi cũ";
    /// Retired codes lead somewhere.
    HintRetiredTarget =>
        "point it at a site that exists, so visitors with old prints still arrive somewhere",
        "trỏ mã tới một di tích có thật để khách quét biển cũ vẫn tới được nơi nào đó";
    /// Tile quality range.
    HintTileQuality => "use 1 to 100; 75 is usual", "dùng giá trị từ 1 đến 100; thường là 75";
    /// How to write a link.
    HintLink { example: String } =>
        "write the full web address, starting with https:// (or http://), e.g. `{example}`",
        "ghi đủ địa chỉ web, bắt đầu bằng https:// (hoặc http://), ví dụ `{example}`";
    /// Media stay out of YAML.
    HintYamlSize =>
        "a YAML file holds text only: keep photos, panoramas and recordings in content/ and name them here",
        "tệp YAML chỉ chứa văn bản: để ảnh, ảnh toàn cảnh và bản ghi âm trong content/ rồi ghi tên chúng ở đây";
    /// Nesting is shallow.
    HintYamlDepth =>
        "a site file nests about six levels; look for `[` or `{{` that are never closed",
        "tệp di tích thường chỉ lồng khoảng sáu tầng; hãy tìm dấu `[` hoặc `{{` chưa được đóng";

    // Summaries.
    /// The count at the end of a report.
    ErrorsFound { n: usize, s: String } => "{n} error{s} found", "{n} lỗi";
    /// The count of warnings at the end of a report.
    WarningsFound { n: usize, s: String } => "{n} warning{s}", "{n} cảnh báo";
    /// `disan check` found nothing wrong.
    CheckOk { sites: usize, scenes: usize } =>
        "ok: {sites} sites, {scenes} scenes, no problems found", "{sites} di tích, {scenes} cảnh, không có lỗi";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_shown_in_the_message_language() {
        let m = Msg::PanoramaUnreadable { file: "audio/vi.mp3".into(), why: Msg::NotJpegOrPng.boxed() };
        assert_eq!(m.en(), "panorama `audio/vi.mp3` cannot be read: not a JPEG or PNG image");
        assert_eq!(m.vi(), "không đọc được ảnh toàn cảnh `audio/vi.mp3`: không phải ảnh JPEG hay PNG");
        let m = Msg::OutOfRange { path: "scenes[0].hfov".into(), value: 200.0, min: 30.0, max: 120.0 };
        assert_eq!(m.vi(), "`scenes[0].hfov` bằng 200, nằm ngoài khoảng 30 đến 120");
        let m = Msg::WrongType { found: "string \"left\"".into(), expected: Msg::ANumber.boxed() };
        assert_eq!(m.vi(), "sai kiểu giá trị: đang là string \"left\", cần một số");
    }

    #[test]
    fn braces_in_a_message_are_literal() {
        assert!(Msg::HintYamlDepth.en().contains("`[` or `{`"), "{}", Msg::HintYamlDepth.en());
    }
}
