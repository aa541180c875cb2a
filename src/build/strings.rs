//! Interface words of the generated pages, per language. Content comes from the editors; these are the
//! program's own words (buttons, headings, labels).

use std::collections::BTreeMap;

/// The interface words in `lang`, falling back to English for a language without a translation.
pub fn for_language(lang: &str) -> BTreeMap<&'static str, &'static str> {
    let table: &[(&str, &str, &str)] = &[
        // key, Vietnamese, English
        ("lang_name", "Tiếng Việt", "English"),
        ("home", "Trang chủ", "Home"),
        ("sites", "Các di tích", "Sites"),
        ("tour", "Tham quan 360°", "360° tour"),
        (
            "tour_hint",
            "Kéo để nhìn quanh, chạm vào các nút để di chuyển.",
            "Drag to look around; tap the buttons to move.",
        ),
        ("narration", "Thuyết minh", "Narration"),
        ("transcript", "Lời thuyết minh", "Transcript"),
        ("listen", "Nghe thuyết minh", "Listen"),
        ("photos", "Hình ảnh", "Photos"),
        ("location", "Vị trí", "Location"),
        ("approximate", "vị trí ước lượng, chưa được kiểm chứng", "approximate position, not yet verified"),
        ("map", "Xem bản đồ", "Open map"),
        ("recognition", "Xếp hạng", "Recognition"),
        ("decision", "Quyết định", "Decision"),
        ("sources", "Nguồn tư liệu", "Sources"),
        ("scenes", "Các điểm nhìn", "Viewpoints"),
        ("not_found_title", "Không tìm thấy trang", "Page not found"),
        (
            "not_found_text",
            "Trang bạn tìm không có ở đây. Hãy chọn một di tích dưới đây.",
            "The page you asked for is not here. Choose a site below.",
        ),
        ("choose_language", "Chọn ngôn ngữ", "Choose a language"),
        ("other_language", "English", "Tiếng Việt"),
        ("contact", "Liên hệ", "Contact"),
        ("published_by", "Thực hiện", "Published by"),
        // Visiting, key facts and credits.
        ("directions", "Chỉ đường", "Directions"),
        (
            "directions_hint",
            "mở ứng dụng bản đồ với điểm đến là di tích",
            "opens your maps app with the site as destination",
        ),
        ("access", "Thông tin tham quan", "Visiting"),
        ("key_facts", "Thông tin chính", "Key facts"),
        ("fact_area", "Diện tích", "Area"),
        ("fact_altitude", "Độ cao", "Altitude"),
        ("fact_height", "Chiều cao", "Height"),
        ("fact_length", "Chiều dài", "Length"),
        ("fact_built", "Khởi dựng", "Built"),
        ("fact_restored", "Trùng tu", "Restored"),
        ("fact_listed", "Xếp hạng", "Listed"),
        ("fact_buildings", "Số công trình", "Buildings"),
        ("fact_steps", "Số bậc", "Steps"),
        ("credits", "Ghi công", "Credits"),
        ("credit_photo", "Ảnh", "Photo"),
        ("credit_panorama", "Ảnh 360°", "360° photo"),
        ("credit_narrator", "Giọng đọc", "Narrator"),
        ("generated_image", "ảnh tạo tự động, không phải ảnh chụp", "generated image, not a photograph"),
        ("generated_voice", "giọng máy tổng hợp", "synthetic voice"),
        ("all_rights_reserved", "giữ toàn quyền", "all rights reserved"),
        ("original", "bản gốc", "original"),
        ("sponsors", "Nhà tài trợ và cộng tác", "Sponsors and contributors"),
        // Kinds of site.
        ("kind_historical_relic", "Di tích lịch sử", "Historical relic"),
        ("kind_scenic_site", "Danh lam thắng cảnh", "Scenic site"),
        ("kind_historical_and_scenic", "Di tích lịch sử và danh thắng", "Historical relic and scenic site"),
        ("kind_architectural_relic", "Di tích kiến trúc nghệ thuật", "Architectural relic"),
        ("kind_religious_relic", "Di tích tín ngưỡng, tôn giáo", "Religious relic"),
        // Recognition levels.
        ("level_special_national", "Di tích quốc gia đặc biệt", "Special national relic"),
        ("level_national", "Di tích quốc gia", "National relic"),
        ("level_provincial", "Di tích cấp tỉnh", "Provincial relic"),
        // Section headings.
        ("section_history", "Lịch sử", "History"),
        ("section_legend", "Truyền thuyết", "Legend"),
        ("section_architecture", "Kiến trúc", "Architecture"),
        ("section_tangible_values", "Giá trị vật thể", "Tangible heritage"),
        ("section_intangible_values", "Giá trị phi vật thể", "Intangible heritage"),
        ("section_festivals", "Lễ hội", "Festivals"),
        // Viewer.
        ("v_loading", "Đang tải…", "Loading…"),
        ("v_close", "Đóng", "Close"),
        ("v_zoom_in", "Phóng to", "Zoom in"),
        ("v_zoom_out", "Thu nhỏ", "Zoom out"),
        ("v_fullscreen", "Toàn màn hình", "Full screen"),
        (
            "v_no_webgl",
            "Trình duyệt không hiển thị được ảnh 360°: đang hiện ảnh toàn cảnh phẳng.",
            "This browser cannot show 360° images: showing the flat panorama.",
        ),
        ("v_scene_link", "Đi tới", "Go to"),
        ("v_info", "Thông tin", "Information"),
        ("v_drag_hint", "Kéo để nhìn quanh", "Drag to look around"),
        ("v_scenes", "Các điểm nhìn", "Viewpoints"),
        ("v_north", "Quay về hướng bắc", "Face north"),
        ("v_share", "Chia sẻ điểm nhìn này", "Share this view"),
        ("v_copied", "Đã chép đường dẫn", "Link copied"),
        ("v_motion", "Xoay điện thoại để nhìn quanh", "Look around by moving the phone"),
        (
            "v_no_motion",
            "Không dùng được cảm biến chuyển động; hãy kéo để nhìn quanh.",
            "Motion sensors are not available; drag to look around.",
        ),
        // Offline use (the save box, the offline page) and the nearest-first sort on the home page.
        ("off_title", "Xem khi không có mạng", "Use without a network"),
        ("off_save", "Lưu di tích này để xem không cần mạng", "Save this site for offline use"),
        ("off_save_all", "Lưu tất cả di tích", "Save all sites"),
        ("off_saving", "Đang lưu… {pct}", "Saving… {pct}"),
        (
            "off_saved",
            "Đã lưu trên máy này ({size}): xem được cả khi không có mạng.",
            "Saved on this device ({size}): it works without a network.",
        ),
        ("off_remove", "Xoá khỏi máy", "Remove from this device"),
        ("off_usage", "Đã lưu {n} di tích, chiếm {size}.", "{n} sites saved, taking {size}."),
        ("off_usage_one", "Đã lưu 1 di tích, chiếm {size}.", "1 site saved, taking {size}."),
        (
            "off_space",
            "Máy còn trống khoảng {free} cho trang web này.",
            "About {free} of space is left for this website.",
        ),
        ("off_none", "Chưa lưu di tích nào trên máy này.", "No site is saved on this device yet."),
        ("off_failed", "Chưa lưu xong (mất mạng?). Hãy thử lại.", "Saving stopped (network lost?). Try again."),
        ("off_list", "Đã lưu trên máy này", "Saved on this device"),
        ("off_page_title", "Bạn đang không có mạng", "You are offline"),
        (
            "off_page_text",
            "Trang này chưa được lưu trên máy. Những di tích dưới đây xem được khi không có mạng:",
            "This page was not saved on this device. These sites work without a network:",
        ),
        ("off_updated", "Đã có bản mới của trang.", "A newer version of this page is ready."),
        ("off_reload", "Tải lại", "Reload"),
        ("near_sort", "Xếp theo khoảng cách", "Sort by distance"),
        ("near_finding", "Đang tìm vị trí của bạn…", "Finding your position…"),
        (
            "near_sorted",
            "Di tích gần nhất ở trên cùng. Vị trí của bạn không rời khỏi máy.",
            "Nearest first. Your position never leaves this phone.",
        ),
        (
            "near_failed",
            "Không lấy được vị trí của bạn (chưa cho phép?).",
            "Your position is not available (permission denied?).",
        ),
        ("near_away", "cách {d}", "{d} away"),
        ("near_about", "cách khoảng {d}", "about {d} away"),
        ("print_scan", "Quét mã để mở trang này", "Scan to open this page"),
        // Narration (narration.js): the phone's voice reading the transcript, and "play as I go".
        ("n_play", "Nghe bằng giọng đọc của máy", "Listen with the phone's voice"),
        ("n_listen", "Nghe thuyết minh", "Listen to the narration"),
        ("n_pause", "Tạm dừng", "Pause"),
        ("n_resume", "Đọc tiếp", "Resume"),
        ("n_skip", "Câu sau", "Next sentence"),
        ("n_speed", "Tốc độ", "Speed"),
        ("n_go", "Tự phát khi tôi sang điểm nhìn khác", "Play as I go"),
        (
            "n_go_hint",
            "Mỗi điểm nhìn có câu chuyện riêng sẽ tự phát khi bạn tới, sau khi bạn đã bấm nghe một lần.",
            "Each viewpoint with its own story starts it as you arrive, once you have pressed play.",
        ),
        ("n_no_voice", "Máy này chưa có giọng đọc tiếng Việt.", "This device has no voice for {lang}."),
        (
            "n_android",
            "Android: Cài đặt → Hỗ trợ tiếp cận → Chuyển văn bản thành giọng nói → Dịch vụ giọng nói của Google → Cài đặt dữ liệu giọng nói → {lang}.",
            "Android: Settings → Accessibility → Text-to-speech → Speech Services by Google → Install voice data → {lang}.",
        ),
        (
            "n_ios",
            "iPhone, iPad: Cài đặt → Trợ năng → Nội dung được đọc → Giọng nói → {lang}.",
            "iPhone, iPad: Settings → Accessibility → Spoken Content → Voices → {lang}.",
        ),
        ("n_read_below", "Trong lúc chờ, mời bạn đọc lời thuyết minh bên dưới.", "Meanwhile, the transcript is below."),
    ];
    table.iter().map(|(k, vi, en)| (*k, if lang == "vi" { *vi } else { *en })).collect()
}

/// Language names in their own language, for the language switcher.
pub fn native_name(lang: &str) -> &str {
    match lang {
        "vi" => "Tiếng Việt",
        "en" => "English",
        "fr" => "Français",
        "zh" => "中文",
        "ko" => "한국어",
        "ja" => "日本語",
        other => other,
    }
}
