//! Vietnamese explanations of the checker's messages, for editors who read Vietnamese first.
//!
//! Messages are written once, in English, where the problem is found; this table gives each message
//! shape its Vietnamese wording. `{}` stands for a piece copied from the message (a key, a file name, a
//! number); pieces that are themselves messages (the reason a panorama cannot be read, say) are
//! translated in turn. The check tests make sure every message they provoke has its line here.

/// English message shapes and their Vietnamese wording, `{}` for the pieces carried over in order.
const TABLE: &[(&str, &str)] = &[
    // YAML structure
    ("unknown key `{}`", "khóa `{}` không có trong định dạng của tệp này"),
    ("unknown value `{}`", "giá trị `{}` không được phép ở đây"),
    ("missing field `{}`", "thiếu khóa bắt buộc `{}`"),
    ("wrong type: {}, expected {}", "sai kiểu giá trị: đang là {}, cần {}"),
    ("a number", "một số"),
    ("a whole number", "một số nguyên"),
    ("true or false", "true hoặc false"),
    ("a tab is used for indentation", "dòng này thụt lề bằng phím Tab"),
    ("duplicate key `{}`", "khóa `{}` bị lặp lại"),
    ("the file is not valid UTF-8 text", "tệp không phải văn bản UTF-8 hợp lệ"),
    ("cannot read the file: {}", "không đọc được tệp: {}"),
    ("cannot read the sites folder: {}", "không đọc được thư mục sites: {}"),
    ("the collection could not be read", "không đọc được bộ sưu tập"),
    // YAML syntax (the parser's own words)
    ("did not find expected key", "sai cú pháp YAML: không tìm thấy khóa ở chỗ này"),
    ("mapping values are not allowed in this context", "sai cú pháp YAML: không được dùng `: ` ở chỗ này"),
    ("did not find expected '-' indicator", "sai cú pháp YAML: thiếu dấu `-` của mục danh sách"),
    ("could not find expected ':'", "sai cú pháp YAML: thiếu dấu `:` sau khóa"),
    ("found character that cannot start any token", "sai cú pháp YAML: giá trị bắt đầu bằng ký tự không được phép"),
    (
        "this folder is not a collection: it has no `sites/` folder",
        "thư mục này không phải một bộ sưu tập: không có thư mục `sites/`",
    ),
    // text and languages
    ("`{}` has no `{}` text", "`{}` chưa có nội dung bằng `{}`"),
    ("`{}` is empty in `{}`", "`{}` đang để trống ở `{}`"),
    ("language `{}` is not one of the collection's languages", "ngôn ngữ `{}` không thuộc các ngôn ngữ của bộ sưu tập"),
    ("no languages are listed", "chưa khai báo ngôn ngữ nào"),
    ("`{}` is not a language code", "`{}` không phải mã ngôn ngữ"),
    ("language `{}` is listed twice", "ngôn ngữ `{}` được khai báo hai lần"),
    // numbers, versions, addresses
    ("`{}` is {}, outside {} to {}", "`{}` bằng {}, nằm ngoài khoảng {} đến {}"),
    ("schema version {} is not supported", "phiên bản định dạng {} không được hỗ trợ"),
    ("`public_url` {}", "`public_url` {}"),
    ("must start with https:// (or http://)", "phải bắt đầu bằng https:// (hoặc http://)"),
    ("has no host name", "thiếu tên miền"),
    (
        "is a local address that visitors' phones cannot reach",
        "là địa chỉ nội bộ, điện thoại của khách không truy cập được",
    ),
    ("must be a plain address without spaces, `?` or `#`", "phải là địa chỉ đơn giản, không có dấu cách, `?` hay `#`"),
    // sites, scenes, hotspots, placards
    ("`order` names `{}`, which is not a site", "`order` ghi `{}`, nhưng không có di tích nào tên như vậy"),
    ("`{}` is listed twice in `order`", "`{}` xuất hiện hai lần trong `order`"),
    ("slug `{}` is not a valid address segment", "tên ngắn `{}` không dùng được trong địa chỉ web"),
    ("slug `{}` differs from the file name `{}`", "tên ngắn `{}` khác với tên tệp `{}`"),
    ("this section kind appears twice", "loại mục này xuất hiện hai lần"),
    ("scene id `{}` is not valid", "mã cảnh `{}` không hợp lệ"),
    ("scene id `{}` is used twice in this site", "mã cảnh `{}` được dùng hai lần trong di tích này"),
    ("a scene hotspot needs a `target`", "điểm chuyển cảnh cần có `target`"),
    ("hotspot points to scene `{}`, which does not exist", "điểm nóng dẫn tới cảnh `{}`, nhưng cảnh này không có"),
    ("an info hotspot has no `target`", "điểm thông tin không dùng `target`"),
    ("an info hotspot needs a `text`", "điểm thông tin cần có `text`"),
    ("narration in `{}` has neither `audio` nor `transcript`", "lời thuyết minh `{}` chưa có `audio` lẫn `transcript`"),
    ("narration has no `{}` entry", "lời thuyết minh chưa có mục `{}`"),
    ("placard code `{}` is already used", "mã biển `{}` đã được dùng"),
    ("placard code `{}` is not valid", "mã biển `{}` không hợp lệ"),
    ("placard opens scene `{}`, which does not exist", "biển mở cảnh `{}`, nhưng cảnh này không có"),
    ("published code `{}` no longer leads anywhere", "mã đã in `{}` không còn dẫn tới đâu"),
    ("retired code `{}` is used again by a placard of `{}`", "mã đã thôi dùng `{}` lại được gán cho một biển của `{}`"),
    (
        "retired code `{}` points to site `{}`, which does not exist",
        "mã đã thôi dùng `{}` dẫn tới di tích `{}`, nhưng di tích này không có",
    ),
    (
        "retired code `{}` points to a scene `{}` that `{}` does not have",
        "mã đã thôi dùng `{}` dẫn tới cảnh `{}`, nhưng `{}` không có cảnh này",
    ),
    ("tile quality {} is out of range", "chất lượng ảnh của tile {} nằm ngoài khoảng cho phép"),
    ("use 1 to 100; 75 is usual", "dùng giá trị từ 1 đến 100; thường là 75"),
    // media
    (
        "`{}` is not a path inside the site's content folder",
        "`{}` không phải đường dẫn trong thư mục nội dung của di tích",
    ),
    ("file `{}` not found", "không tìm thấy tệp `{}`"),
    ("panorama `{}` cannot be read: {}", "không đọc được ảnh toàn cảnh `{}`: {}"),
    ("panorama `{}` is {}, not 2:1", "ảnh toàn cảnh `{}` có kích thước {}, không phải tỉ lệ 2:1"),
    ("panorama `{}` is only {}", "ảnh toàn cảnh `{}` chỉ có {}"),
    ("photo `{}` cannot be read: {}", "không đọc được ảnh `{}`: {}"),
    ("audio `{}` {}", "tệp âm thanh `{}` {}"),
    ("has an unsupported format; use one of: {}", "có định dạng không hỗ trợ; hãy dùng một trong: {}"),
    ("cannot be read: {}", "không đọc được: {}"),
    ("is empty or not a real .{} file", "trống hoặc không thực sự là tệp .{}"),
    ("not a JPEG or PNG image", "không phải ảnh JPEG hay PNG"),
    ("is not a sound recording that can be read", "không phải tệp ghi âm đọc được"),
    ("is in the Opus format, which cannot be read yet", "ở định dạng Opus, hiện chưa đọc được"),
    ("is silent: its loudest moment is {} dBFS", "không có tiếng: chỗ to nhất chỉ đạt {} dBFS"),
    (
        "is clipped throughout: {}% of its sounding seconds hit full scale",
        "bị méo tiếng (thu quá to) suốt bản ghi: {}% số giây có tiếng chạm mức tối đa",
    ),
    ("lasts {}, longer than the {}-minute limit", "dài {}, quá giới hạn {} phút"),
    ("cannot be encoded: {}", "không mã hóa được: {}"),
    (
        "use the file the phone's recorder saved (M4A, MP3, WAV, OGG or FLAC)",
        "dùng đúng tệp mà ứng dụng ghi âm của điện thoại đã lưu (M4A, MP3, WAV, OGG hoặc FLAC)",
    ),
    (
        "share the recording from the phone as M4A or MP3, or convert it to one of them",
        "gửi bản ghi từ điện thoại dưới dạng M4A hoặc MP3, hoặc chuyển sang một trong hai định dạng đó",
    ),
    (
        "check that the file is the right one and that the microphone was not covered",
        "kiểm tra xem có đúng tệp không và micrô có bị che khi ghi âm không",
    ),
    (
        "record again with the phone a hand's width further from the mouth, or with a lower recording level",
        "ghi âm lại, để điện thoại xa miệng thêm một gang tay, hoặc giảm mức thu",
    ),
    ("split it: give each scene its own narration", "hãy chia nhỏ: mỗi cảnh một lời thuyết minh riêng"),
    (
        "the JPEG is truncated: its end marker is missing (copy the file again)",
        "tệp JPEG bị cụt: thiếu dấu kết thúc (hãy chép lại tệp)",
    ),
    ("{}×{} is larger than the {}-pixel limit", "{}×{} vượt giới hạn {} điểm ảnh"),
    (
        "{}×{} needs {} MB to decode, more than the {} MB budget (the largest 2:1 panorama that fits is {})",
        "{}×{} cần {} MB để giải mã, vượt mức {} MB cho phép (ảnh toàn cảnh 2:1 lớn nhất vừa mức này là {})",
    ),
    (
        "too large to decode safely (limit {} pixels a side)",
        "quá lớn để giải mã an toàn (giới hạn {} điểm ảnh mỗi cạnh)",
    ),
    ("{} (the file may be truncated or not an image)", "{} (tệp có thể bị cụt hoặc không phải ảnh)"),
    // credits, facts, sponsors
    ("a credit needs an `author`", "phần ghi công cần có `author`"),
    ("`all_rights_reserved` needs a `holder`", "`all_rights_reserved` cần có `holder`"),
    ("`{}` is not a web address", "`{}` không phải địa chỉ web"),
    ("a credit is given but there is no recording", "có ghi công nhưng không có bản ghi âm"),
    ("a fact of kind `other` needs a `label`", "thông tin loại `other` cần có `label`"),
    ("a fact has both `value` and `text`", "thông tin có cả `value` lẫn `text`"),
    ("a fact needs a `value` or a `text`", "thông tin cần có `value` hoặc `text`"),
    ("a fact in words has no `unit`", "thông tin viết bằng chữ không dùng `unit`"),
    ("`{}` is not a year", "`{}` không phải một năm"),
    ("`{}` is a count, and {} is not a whole number", "`{}` là số đếm, mà {} không phải số nguyên"),
    ("`{}` is {}, not a positive number", "`{}` bằng {}, không phải số dương"),
    ("`{}` needs a `unit`", "`{}` cần có `unit` (đơn vị)"),
    ("`{}` is a year and takes no unit, not `{}`", "`{}` là một năm nên không có đơn vị, không dùng `{}`"),
    ("`{}` is a count and takes no unit, not `{}`", "`{}` là số đếm nên không có đơn vị, không dùng `{}`"),
    ("unit `{}` does not fit `{}`", "đơn vị `{}` không hợp với `{}`"),
    ("unit `{}` is not known", "không biết đơn vị `{}`"),
    ("logo `{}` cannot be read: {}", "không đọc được logo `{}`: {}"),
    // links, file size and depth
    ("source link `{}` {}", "liên kết nguồn `{}` {}"),
    (
        "is not a web address: only http:// and https:// links are published",
        "không phải địa chỉ web: chỉ liên kết http:// và https:// mới được đăng",
    ),
    ("contains a space, tab or control character", "có dấu cách, Tab hoặc ký tự điều khiển"),
    (
        "write the full web address, starting with https:// (or http://), e.g. `{}`",
        "ghi đủ địa chỉ web, bắt đầu bằng https:// (hoặc http://), ví dụ `{}`",
    ),
    (
        "the file is {} KB, more than the {} KB a YAML file may be",
        "tệp nặng {} KB, vượt quá {} KB cho phép với một tệp YAML",
    ),
    ("the YAML nests more than {} levels deep", "tệp YAML lồng nhau sâu quá {} tầng"),
    (
        "a YAML file holds text only: keep photos, panoramas and recordings in content/ and name them here",
        "tệp YAML chỉ chứa văn bản: để ảnh, ảnh toàn cảnh và bản ghi âm trong content/ rồi ghi tên chúng ở đây",
    ),
    (
        "a site file nests about six levels; look for `[` or `{` that are never closed",
        "tệp di tích thường chỉ lồng khoảng sáu tầng; hãy tìm dấu `[` hoặc `{` chưa được đóng",
    ),
    // hints
    ("did you mean `{}`?", "có phải ý bạn là `{}`?"),
    (
        "a value that starts with a quote ends at the closing quote; put the whole text in quotes, or remove them",
        "giá trị mở đầu bằng dấu ngoặc kép sẽ kết thúc ở dấu ngoặc đóng; hãy đặt cả đoạn văn trong ngoặc kép, hoặc bỏ các dấu ngoặc",
    ),
    (
        "check this line's indentation and quotes: text containing `: ` or ` #`, or starting with a quote, must be quoted whole",
        "kiểm tra thụt lề và dấu ngoặc kép ở dòng này: đoạn văn có `: ` hoặc ` #`, hoặc mở đầu bằng dấu ngoặc kép, phải được đặt cả trong ngoặc kép",
    ),
    (
        "run disan in the collection's folder (the one holding sites/ and content/), point to it with `--root DIR`, or start one with `disan new collection DIR`",
        "hãy chạy disan trong thư mục của bộ sưu tập (thư mục chứa sites/ và content/), chỉ tới nó bằng `--root THƯ_MỤC`, hoặc tạo bộ sưu tập mới bằng `disan new collection THƯ_MỤC`",
    ),
    (
        "write who took the photo or speaks in the recording, or add `generated: true` for generated media",
        "ghi tên người chụp ảnh hoặc người đọc bản ghi âm, hoặc thêm `generated: true` cho ảnh, âm thanh tạo tự động",
    ),
    (
        "add `holder:` with who owns the rights, or choose an open licence: {}",
        "thêm `holder:` ghi ai giữ bản quyền, hoặc chọn một giấy phép mở: {}",
    ),
    ("write the full address, starting with https://", "ghi đầy đủ địa chỉ, bắt đầu bằng https://"),
    (
        "add `audio:`, or remove `credit:`: the phone's own voice needs no credit",
        "thêm `audio:`, hoặc bỏ `credit:`: giọng đọc của điện thoại không cần ghi công",
    ),
    (
        "add `label:` saying what the fact is, per language",
        "thêm `label:` nói rõ đây là thông tin gì, cho từng ngôn ngữ",
    ),
    ("keep one: `value` for a number, `text` for words", "chỉ giữ một: `value` cho con số, `text` cho lời văn"),
    (
        "write a number with `value:`, or words per language with `text:`",
        "ghi con số bằng `value:`, hoặc lời văn cho từng ngôn ngữ bằng `text:`",
    ),
    ("remove `unit:`", "bỏ `unit:`"),
    (
        "write the year as a whole number, e.g. `value: {}`; use `text:` for an era or a full date",
        "ghi năm bằng số nguyên, ví dụ `value: {}`; dùng `text:` cho một thời kỳ hay ngày tháng đầy đủ",
    ),
    ("count buildings or steps in whole numbers", "số công trình hay số bậc phải là số nguyên"),
    ("write the size as a number above 0", "ghi kích thước bằng một số lớn hơn 0"),
    ("add `unit:` with one of: {}", "thêm `unit:` với một trong các đơn vị: {}"),
    ("remove `unit:` and write the number alone", "bỏ `unit:` và chỉ ghi con số"),
    ("units for `{}`: {}", "đơn vị dùng cho `{}`: {}"),
    ("use a PNG or JPEG image as the logo", "dùng ảnh PNG hoặc JPEG làm logo"),
    ("licences the pages can name and link: {}", "các giấy phép trang web ghi và dẫn link được: {}"),
    ("allowed here: {}", "được phép ở đây: {}"),
    ("this key is not allowed here", "khóa này không được phép ở đây"),
    ("this value is not allowed here", "giá trị này không được phép ở đây"),
    ("add `{}:` to this mapping", "thêm `{}:` vào mục này"),
    (
        "YAML indents with spaces only; replace the tab with spaces",
        "YAML chỉ thụt lề bằng dấu cách; hãy thay Tab bằng dấu cách",
    ),
    ("`{}` is already set on line {}; keep only one", "`{}` đã có ở dòng {}; chỉ giữ một"),
    ("save the file as UTF-8 in your editor", "lưu tệp với bảng mã UTF-8 trong trình soạn thảo"),
    ("the collection's languages are: {}", "các ngôn ngữ của bộ sưu tập: {}"),
    (
        "add `{}: …` under `{}`; every language of the collection needs its text",
        "thêm `{}: …` dưới `{}`; mỗi ngôn ngữ của bộ sưu tập đều cần nội dung",
    ),
    ("use a value from {} to {} (degrees)", "dùng giá trị từ {} đến {} (độ)"),
    ("this version of disan reads `schema: {}`", "phiên bản disan này đọc `schema: {}`"),
    ("write `languages: [vi, en]`", "ghi `languages: [vi, en]`"),
    ("use two-letter codes such as `vi` or `en`", "dùng mã hai chữ cái như `vi` hoặc `en`"),
    (
        "write the address where the tour is published, e.g. `https://disan.example.vn`",
        "ghi địa chỉ nơi đăng trang tham quan, ví dụ `https://disan.example.vn`",
    ),
    (
        "it is used in {} line {}; every printed code must lead to one place",
        "mã này đã dùng ở {} dòng {}; mỗi mã đã in chỉ dẫn tới một nơi",
    ),
    (
        "use lowercase letters a–z without diacritics, digits and hyphens, e.g. `{}`",
        "dùng chữ thường a–z không dấu, chữ số và dấu gạch nối, ví dụ `{}`",
    ),
    ("rename the file to `{}` or set `slug: {}`", "đổi tên tệp thành `{}` hoặc đặt `slug: {}`"),
    ("merge the two sections into one", "gộp hai mục làm một"),
    ("add `target: <scene id>`", "thêm `target: <mã cảnh>`"),
    ("scenes of this site: {}", "các cảnh của di tích này: {}"),
    (
        "use `type: scene` to link to a scene, or remove `target`",
        "dùng `type: scene` để dẫn sang cảnh khác, hoặc bỏ `target`",
    ),
    ("add `text:` with the words to show, per language", "thêm `text:` với nội dung hiển thị cho từng ngôn ngữ"),
    ("add a recording, a transcript, or both", "thêm bản ghi âm, lời thuyết minh, hoặc cả hai"),
    ("add `{}:` with at least a `transcript`", "thêm `{}:` với ít nhất một `transcript`"),
    (
        "write a path relative to content/<slug>/, such as `panoramas/gate.jpg`, without `..`",
        "ghi đường dẫn tính từ content/<slug>/, ví dụ `panoramas/gate.jpg`, không dùng `..`",
    ),
    ("put the file at {}", "đặt tệp tại {}"),
    (
        "export the full 360° × 180° equirectangular image (width = 2 × height)",
        "xuất ảnh toàn cảnh đủ 360° × 180° dạng equirectangular (chiều rộng = 2 × chiều cao)",
    ),
    ("use an image at least 1024 pixels wide", "dùng ảnh rộng ít nhất 1024 điểm ảnh"),
    (
        "it was printed for {}; put it back in that site's `placards`, or retire it: add `retired: true` and the site (and scene) it should open now",
        "mã này đã in cho {}; hãy đưa lại vào `placards` của di tích đó, hoặc cho thôi dùng: thêm `retired: true` cùng di tích (và cảnh) mà mã cần mở từ nay",
    ),
    (
        "give the new placard a new code; a retired code keeps leading to its old target",
        "đặt mã mới cho biển mới; mã đã thôi dùng vẫn dẫn tới nơi cũ",
    ),
    (
        "point it at a site that exists, so visitors with old prints still arrive somewhere",
        "trỏ mã tới một di tích có thật để khách quét biển cũ vẫn tới được nơi nào đó",
    ),
];

/// The Vietnamese wording of an English message or hint, when the table knows its shape.
pub fn translate(english: &str) -> Option<String> {
    translate_depth(english, 0)
}

fn translate_depth(english: &str, depth: usize) -> Option<String> {
    if depth > 3 {
        return None;
    }
    TABLE.iter().find_map(|(en, vi)| {
        let pieces = matches(en, english)?;
        let mut out = String::with_capacity(vi.len() + english.len());
        let mut rest = *vi;
        for piece in pieces {
            let (before, after) = rest.split_once("{}")?;
            out.push_str(before);
            out.push_str(&translate_depth(piece, depth + 1).unwrap_or_else(|| piece.to_owned()));
            rest = after;
        }
        out.push_str(rest);
        Some(out)
    })
}

/// The pieces of `text` standing for the `{}` of `pattern`, when `text` has the pattern's shape. Each
/// piece is non-empty and ends at the first place the following literal matches (the last ends at the
/// end), which suits messages whose pieces are names and numbers.
fn matches<'t>(pattern: &str, text: &'t str) -> Option<Vec<&'t str>> {
    let literals: Vec<&str> = pattern.split("{}").collect();
    let mut rest = text.strip_prefix(literals[0])?;
    let mut pieces = Vec::with_capacity(literals.len() - 1);
    for (i, literal) in literals.iter().enumerate().skip(1) {
        let last = i == literals.len() - 1;
        let end = if last {
            if literal.is_empty() { rest.len() } else { rest.strip_suffix(literal).map(str::len)? }
        } else {
            rest.get(1..)?.find(literal)? + 1
        };
        if end == 0 {
            return None;
        }
        pieces.push(&rest[..end]);
        rest = &rest[end + literal.len()..];
    }
    rest.is_empty().then_some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translates_shapes_and_nested_reasons() {
        assert_eq!(
            translate("unknown key `sumary`").as_deref(),
            Some("khóa `sumary` không có trong định dạng của tệp này")
        );
        assert_eq!(
            translate("panorama `audio/vi.mp3` cannot be read: not a JPEG or PNG image").as_deref(),
            Some("không đọc được ảnh toàn cảnh `audio/vi.mp3`: không phải ảnh JPEG hay PNG")
        );
        assert_eq!(
            translate("`scenes[0].hfov` is 200, outside 30 to 120").as_deref(),
            Some("`scenes[0].hfov` bằng 200, nằm ngoài khoảng 30 đến 120")
        );
        assert_eq!(
            translate("wrong type: string \"left\", expected a number").as_deref(),
            Some("sai kiểu giá trị: đang là string \"left\", cần một số")
        );
        assert_eq!(translate("something nobody wrote"), None);
    }

    #[test]
    fn every_pattern_has_as_many_pieces_in_both_languages() {
        for (en, vi) in TABLE {
            assert_eq!(en.matches("{}").count(), vi.matches("{}").count(), "{en}");
        }
    }
}
