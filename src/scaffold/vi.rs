//! Vietnamese explanations of the keys in the `disan new` templates, shown above each key beside the
//! English one that comes from the schema, so editors who read Vietnamese first are not left guessing.

/// Dotted key path → what the key means, in Vietnamese.
const DOCS: &[(&str, &str)] = &[
    // Both files
    ("schema", "Phiên bản định dạng của tệp này; ghi 1."),
    // The collection file
    ("title", "Tên của trang web, theo từng ngôn ngữ."),
    ("description", "Một hai câu giới thiệu hiện trên trang chủ, theo từng ngôn ngữ."),
    ("public_url", "Địa chỉ nơi đăng trang tham quan, ví dụ `https://disan.example.vn` (được in lên biển QR)."),
    ("languages", "Các ngôn ngữ của bộ sưu tập; ngôn ngữ đầu tiên là mặc định (thường là `[vi, en]`)."),
    ("organisation", "Đơn vị đăng trang tham quan, theo từng ngôn ngữ."),
    ("contact", "Cách khách liên hệ với đơn vị (thư điện tử hoặc số điện thoại)."),
    (
        "order",
        "Thứ tự các di tích trên trang chủ, ghi bằng tên ngắn; di tích không có tên ở đây xếp sau, theo tên tệp.",
    ),
    (
        "sponsors",
        "Nhà tài trợ và đơn vị đóng góp nội dung (tên, vai trò, logo trong `content/`, địa chỉ web); hiện ở cuối trang chủ, và trên biển QR khi ghi `placard_credit: true`.",
    ),
    (
        "placard_languages",
        "Hai ngôn ngữ in trên biển QR, ngôn ngữ của dòng tiêu đề trước, ví dụ `[vi, fr]`; bỏ trống thì dùng hai ngôn ngữ đầu của bộ sưu tập.",
    ),
    // A site file
    (
        "slug",
        "Tên ngắn dùng trong địa chỉ (`/vi/<slug>/`): chữ thường không dấu, chữ số và dấu gạch nối; trùng với tên tệp.",
    ),
    ("name", "Tên di tích, theo từng ngôn ngữ."),
    ("kind", "Loại địa điểm (di tích lịch sử, danh lam thắng cảnh…)."),
    ("recognition", "Xếp hạng di tích chính thức (cấp, năm, số quyết định)."),
    ("location", "Vị trí của di tích."),
    ("location.lat", "Vĩ độ, tính bằng độ (phía bắc là số dương)."),
    ("location.lon", "Kinh độ, tính bằng độ (phía đông là số dương)."),
    ("location.approximate", "`true` khi tọa độ chỉ là ước lượng, chưa ai kiểm tra trên bản đồ hay tại chỗ."),
    ("summary", "Một đến ba câu giới thiệu di tích, theo từng ngôn ngữ."),
    ("access", "Cách vào tham quan, theo từng ngôn ngữ: lối đi, giờ mở cửa, vé, trang phục; hiện gần đầu trang."),
    (
        "facts",
        "Các thông tin chính (diện tích, độ cao, năm xây dựng, trùng tu, xếp hạng, số công trình, số bậc…), mỗi mục một con số kèm đơn vị hoặc một đoạn chữ theo từng ngôn ngữ.",
    ),
    ("sections", "Các phần nội dung dài hơn, theo thứ tự hiển thị."),
    (
        "sections.kind",
        "Chủ đề: history (lịch sử), legend (truyền thuyết), architecture (kiến trúc), tangible_values, intangible_values hoặc festivals (lễ hội).",
    ),
    ("sections.text", "Nội dung theo từng ngôn ngữ; các đoạn văn cách nhau bằng một dòng trống."),
    ("photos", "Ảnh kèm chú thích (tệp nằm trong `content/<slug>/`)."),
    ("scenes", "Các cảnh 360°; cảnh đầu tiên là nơi bắt đầu tham quan."),
    (
        "scenes.id",
        "Mã ngắn của cảnh dùng trong liên kết: chữ thường không dấu, chữ số và dấu gạch nối, không trùng trong di tích.",
    ),
    ("scenes.title", "Tên cảnh, theo từng ngôn ngữ."),
    ("scenes.panorama", "Ảnh toàn cảnh equirectangular (JPEG hoặc PNG tỉ lệ 2:1), tính từ `content/<slug>/`."),
    ("scenes.yaw", "Hướng nhìn ngang lúc mở cảnh, tính bằng độ, từ −180 đến 180 (0 là giữa ảnh)."),
    ("scenes.pitch", "Hướng nhìn dọc lúc mở cảnh, tính bằng độ, từ −90 (nhìn xuống) đến 90 (nhìn lên)."),
    ("scenes.hfov", "Góc nhìn ngang lúc mở cảnh, tính bằng độ, từ 30 đến 120."),
    ("scenes.north", "Hướng ngang (yaw) trong ảnh này quay về phía bắc (−180 đến 180)."),
    ("scenes.hotspots", "Các điểm bấm được trong cảnh."),
    ("scenes.hotspots.type", "`scene` (chuyển sang cảnh khác) hoặc `info` (mở khung chữ)."),
    ("scenes.hotspots.yaw", "Hướng ngang, tính bằng độ, từ −180 đến 180."),
    ("scenes.hotspots.pitch", "Hướng dọc, tính bằng độ, từ −90 đến 90."),
    ("scenes.hotspots.title", "Nhãn của điểm, theo từng ngôn ngữ."),
    ("scenes.hotspots.text", "Với điểm `info`: nội dung hiện trong khung chữ, theo từng ngôn ngữ."),
    ("narration", "Lời thuyết minh (bản ghi âm và văn bản), theo từng ngôn ngữ."),
    ("narration.transcript", "Nội dung lời thuyết minh; trình duyệt đọc to đoạn này khi chưa có bản ghi âm."),
    (
        "narration.audio",
        "Bản ghi âm, đúng tệp điện thoại đã lưu (M4A, MP3, WAV, OGG hoặc FLAC; tối đa 20 phút), tính từ `content/<slug>/`; được đăng dưới dạng MP3 nhỏ gọn.",
    ),
    (
        "narration.captions",
        "Phụ đề của bản ghi âm: tệp WebVTT (`.vtt`), tính từ `content/<slug>/`; chỉ dùng khi có `audio`.",
    ),
    (
        "scenes.narration",
        "Câu chuyện riêng của cảnh này, theo từng ngôn ngữ, cùng dạng với `narration` của di tích; cảnh không có thì dùng lời thuyết minh của di tích.",
    ),
    ("placards", "Các biển QR đặt tại di tích."),
    ("sources", "Nguồn của các thông tin."),
];

/// The Vietnamese explanation of the key at a dotted `path`, when there is one.
pub fn describe(path: &str) -> Option<&'static str> {
    DOCS.iter().find(|(p, _)| *p == path).map(|(_, vi)| *vi)
}
