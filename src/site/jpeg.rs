//! How much of a JPEG's picture its data really holds. A decoder given a file whose header claims more
//! rows than its coded data carries fills the rest with grey or garbage and reports nothing; walking the
//! entropy-coded data of a sequential (baseline) JPEG block by block, without computing any pixel, says
//! how many rows of blocks the file holds. Progressive and arithmetic-coded files are not walked.

/// What the walk found: rows of MCUs (blocks of 8 or 16 pixel rows) coded, and rows the header claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    pub rows: u32,
    pub needed: u32,
    /// The pixel rows the header claims.
    pub height: u32,
}

impl Coverage {
    /// The picture rows the coded data reaches (at most the claimed height).
    pub fn pixel_rows(&self) -> u32 {
        if self.needed == 0 {
            return 0;
        }
        ((self.height as u64 * self.rows as u64) / self.needed as u64) as u32
    }
}

struct Component {
    id: u8,
    h: u32,
    v: u32,
}

/// A Huffman table in the form of the JPEG standard's decoding procedure (F.2.2.3).
#[derive(Clone)]
struct Table {
    max_code: [i32; 17],
    val_ptr: [i32; 17],
    min_code: [i32; 17],
    values: Vec<u8>,
}

impl Table {
    fn new(counts: &[u8; 16], values: Vec<u8>) -> Table {
        let mut t = Table { max_code: [-1; 17], val_ptr: [0; 17], min_code: [0; 17], values };
        let (mut code, mut k) = (0i32, 0i32);
        for len in 1..=16 {
            let n = counts[len - 1] as i32;
            if n > 0 {
                t.val_ptr[len] = k;
                t.min_code[len] = code;
                code += n;
                k += n;
                t.max_code[len] = code - 1;
            }
            code <<= 1;
        }
        t
    }
}

/// Reads the entropy-coded bits: `0xFF 0x00` is a data byte `0xFF`; any other marker ends the data
/// (a restart marker is consumed by [`Bits::restart`]).
struct Bits<'a> {
    data: &'a [u8],
    at: usize,
    acc: u64,
    n: u32,
    /// A marker was reached: no more bits until a restart.
    at_marker: bool,
}

impl Bits<'_> {
    fn fill(&mut self) {
        while self.n <= 56 && !self.at_marker {
            let Some(&b) = self.data.get(self.at) else {
                self.at_marker = true;
                break;
            };
            if b == 0xFF {
                match self.data.get(self.at + 1) {
                    Some(0x00) => self.at += 2,
                    _ => {
                        self.at_marker = true;
                        break;
                    }
                }
            } else {
                self.at += 1;
            }
            self.acc |= (b as u64) << (56 - self.n);
            self.n += 8;
        }
    }

    fn bit(&mut self) -> Option<u32> {
        if self.n == 0 {
            self.fill();
            if self.n == 0 {
                return None;
            }
        }
        let b = (self.acc >> 63) as u32;
        self.acc <<= 1;
        self.n -= 1;
        Some(b)
    }

    fn skip(&mut self, count: u32) -> Option<()> {
        if self.n < count {
            self.fill();
            if self.n < count {
                return None;
            }
        }
        self.acc = if count == 64 { 0 } else { self.acc << count };
        self.n -= count;
        Some(())
    }

    fn decode(&mut self, t: &Table) -> Option<u8> {
        let mut code = self.bit()? as i32;
        for len in 1..=16 {
            if t.max_code[len] >= code && t.max_code[len] >= 0 {
                let i = t.val_ptr[len] + code - t.min_code[len];
                return t.values.get(i as usize).copied();
            }
            code = (code << 1) | self.bit()? as i32;
        }
        None
    }

    /// At a restart interval's end: drop the padding bits and step over `RSTn`. False when the next
    /// marker is not a restart marker (the data ended early).
    fn restart(&mut self) -> bool {
        self.acc = 0;
        self.n = 0;
        // Padding bytes already taken into the accumulator are dropped with it; find the marker.
        while self.at + 1 < self.data.len() && !(self.data[self.at] == 0xFF && self.data[self.at + 1] != 0x00) {
            self.at += 1;
        }
        match self.data.get(self.at + 1) {
            Some(m) if (0xD0..=0xD7).contains(m) => {
                self.at += 2;
                self.at_marker = false;
                true
            }
            _ => false,
        }
    }
}

/// Walks a sequential Huffman-coded JPEG. `None` when the file is not one this walk understands
/// (progressive, arithmetic-coded, several scans, a height set later by a DNL marker, a malformed header):
/// the decoder alone judges those.
pub fn coverage(bytes: &[u8]) -> Option<Coverage> {
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut i = 2;
    let (mut width, mut height) = (0u32, 0u32);
    let mut components: Vec<Component> = Vec::new();
    let mut dc: [Option<Table>; 4] = [None, None, None, None];
    let mut ac: [Option<Table>; 4] = [None, None, None, None];
    let mut restart_interval = 0u32;
    loop {
        // Markers may be preceded by fill bytes 0xFF.
        while *bytes.get(i)? != 0xFF {
            i += 1;
        }
        while *bytes.get(i)? == 0xFF {
            i += 1;
        }
        let marker = *bytes.get(i)?;
        i += 1;
        if (0xD0..=0xD8).contains(&marker) || marker == 0x01 {
            continue;
        }
        if marker == 0xD9 {
            return None;
        }
        let len = u16::from_be_bytes([*bytes.get(i)?, *bytes.get(i + 1)?]) as usize;
        let seg = bytes.get(i + 2..i + len)?;
        i += len;
        match marker {
            0xC0 | 0xC1 => {
                height = u16::from_be_bytes([*seg.get(1)?, *seg.get(2)?]) as u32;
                width = u16::from_be_bytes([*seg.get(3)?, *seg.get(4)?]) as u32;
                let n = *seg.get(5)? as usize;
                for c in 0..n {
                    let at = 6 + 3 * c;
                    let hv = *seg.get(at + 1)?;
                    components.push(Component { id: *seg.get(at)?, h: (hv >> 4) as u32, v: (hv & 15) as u32 });
                }
                if height == 0 || width == 0 || components.iter().any(|c| c.h == 0 || c.v == 0) {
                    return None;
                }
            }
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            0xC4 => {
                let mut at = 0;
                while at < seg.len() {
                    let class_id = seg[at];
                    let counts: [u8; 16] = seg.get(at + 1..at + 17)?.try_into().ok()?;
                    let total: usize = counts.iter().map(|&c| c as usize).sum();
                    let values = seg.get(at + 17..at + 17 + total)?.to_vec();
                    let slot = (class_id & 15) as usize;
                    let table = Some(Table::new(&counts, values));
                    match class_id >> 4 {
                        0 => *dc.get_mut(slot)? = table,
                        1 => *ac.get_mut(slot)? = table,
                        _ => return None,
                    }
                    at += 17 + total;
                }
            }
            0xDD => restart_interval = u16::from_be_bytes([*seg.first()?, *seg.get(1)?]) as u32,
            0xDA => {
                let n = *seg.first()? as usize;
                if components.is_empty() || n != components.len() {
                    return None;
                }
                let mut scan = Vec::with_capacity(n);
                for s in 0..n {
                    let id = *seg.get(1 + 2 * s)?;
                    let tables = *seg.get(2 + 2 * s)?;
                    let c = components.iter().find(|c| c.id == id)?;
                    let d = dc.get((tables >> 4) as usize)?.clone()?;
                    let a = ac.get((tables & 15) as usize)?.clone()?;
                    scan.push((c, d, a));
                }
                return Some(walk(&bytes[i..], width, height, &scan, restart_interval));
            }
            _ => {}
        }
    }
}

fn walk(data: &[u8], width: u32, height: u32, scan: &[(&Component, Table, Table)], restart: u32) -> Coverage {
    let (mcu_w, mcu_h, per_mcu): (u32, u32, Vec<u32>) = if scan.len() == 1 {
        (8, 8, vec![1])
    } else {
        let hmax = scan.iter().map(|s| s.0.h).max().unwrap_or(1);
        let vmax = scan.iter().map(|s| s.0.v).max().unwrap_or(1);
        (8 * hmax, 8 * vmax, scan.iter().map(|s| s.0.h * s.0.v).collect())
    };
    let across = width.div_ceil(mcu_w);
    let needed = height.div_ceil(mcu_h);
    let total = across as u64 * needed as u64;
    let mut bits = Bits { data, at: 0, acc: 0, n: 0, at_marker: false };
    let mut done = 0u64;
    'mcus: while done < total {
        if restart > 0 && done > 0 && done.is_multiple_of(restart as u64) && !bits.restart() {
            break;
        }
        for (k, (_, dc, ac)) in scan.iter().enumerate() {
            for _ in 0..per_mcu[k] {
                if block(&mut bits, dc, ac).is_none() {
                    break 'mcus;
                }
            }
        }
        done += 1;
    }
    // A row counts when every MCU in it was coded.
    Coverage { rows: (done / across.max(1) as u64) as u32, needed, height }
}

/// Steps over one 8×8 block's coefficients.
fn block(bits: &mut Bits, dc: &Table, ac: &Table) -> Option<()> {
    let s = bits.decode(dc)? as u32;
    if s > 16 {
        return None;
    }
    bits.skip(s)?;
    let mut k = 1;
    while k < 64 {
        let rs = bits.decode(ac)?;
        let (r, s) = ((rs >> 4) as u32, (rs & 15) as u32);
        if s == 0 {
            if r != 15 {
                break;
            }
            k += 16;
        } else {
            k += r;
            bits.skip(s)?;
            k += 1;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32, quality: u8) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7 % 256) as u8, (y * 3 % 256) as u8, 90]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality).encode_image(&img).expect("encode");
        out
    }

    /// Rewrites the frame header's height and width, as a lying file would.
    fn claim(bytes: &mut [u8], w: u16, h: u16) {
        let at = bytes.windows(2).position(|m| m == [0xFF, 0xC0]).expect("SOF0");
        bytes[at + 5..at + 7].copy_from_slice(&h.to_be_bytes());
        bytes[at + 7..at + 9].copy_from_slice(&w.to_be_bytes());
    }

    #[test]
    fn an_honest_file_covers_its_picture() {
        for (w, h) in [(256, 128), (250, 130), (17, 9)] {
            let c = coverage(&jpeg(w, h, 85)).expect("baseline");
            assert_eq!((c.rows, c.pixel_rows()), (c.needed, h), "{w}×{h}");
        }
    }

    /// Written by jpeg-encoder, which can set a restart interval and the chroma sampling.
    fn jpeg_with(w: u16, h: u16, restart: u16, sampling: jpeg_encoder::SamplingFactor, grey: bool) -> Vec<u8> {
        let pixels: Vec<u8> =
            (0..w as u32 * h as u32).flat_map(|i| [(i * 7 % 251) as u8, (i / w as u32 * 5 % 256) as u8, 60]).collect();
        let mut out = Vec::new();
        let mut e = jpeg_encoder::Encoder::new(&mut out, 80);
        e.set_restart_interval(restart);
        e.set_sampling_factor(sampling);
        if grey {
            let luma: Vec<u8> = pixels.chunks(3).map(|p| p[0]).collect();
            e.encode(&luma, w, h, jpeg_encoder::ColorType::Luma).expect("encode");
        } else {
            e.encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb).expect("encode");
        }
        out
    }

    #[test]
    fn restart_markers_and_every_sampling_are_walked() {
        use jpeg_encoder::SamplingFactor as S;
        for (restart, sampling, grey) in [
            (1, S::R_4_2_0, false),
            (3, S::R_4_2_0, false),
            (7, S::R_4_4_4, false),
            (5, S::R_4_2_2, false),
            (0, S::R_4_2_2, false),
            (4, S::R_4_4_4, true),
        ] {
            for (w, h) in [(320, 160), (333, 171)] {
                let bytes = jpeg_with(w, h, restart, sampling, grey);
                let c = coverage(&bytes).expect("baseline");
                assert_eq!(c.rows, c.needed, "{w}×{h} restart {restart} {sampling:?} grey {grey}: {c:?}");
                let mut lying = bytes.clone();
                claim(&mut lying, 2 * w, 2 * h);
                let c = coverage(&lying).expect("baseline");
                assert!(c.rows < c.needed, "{w}×{h} restart {restart} {sampling:?} claimed twice: {c:?}");
            }
        }
    }

    #[test]
    fn a_header_claiming_more_rows_than_the_data_holds_is_found() {
        let mut bytes = jpeg(512, 256, 85);
        claim(&mut bytes, 1024, 512);
        let c = coverage(&bytes).expect("baseline");
        assert!(c.rows < c.needed, "{c:?}");
        assert!(c.pixel_rows() <= 160, "about a quarter of 512 rows: {c:?}");
    }

    #[test]
    fn a_file_cut_short_is_found() {
        let bytes = jpeg(512, 256, 90);
        let mut cut = bytes[..bytes.len() / 2].to_vec();
        cut.extend_from_slice(&[0xFF, 0xD9]);
        let c = coverage(&cut).expect("baseline");
        assert!(c.rows < c.needed && c.rows > 0, "{c:?}");
    }

    #[test]
    fn what_is_not_a_baseline_jpeg_is_left_to_the_decoder() {
        assert_eq!(coverage(b"not a jpeg"), None);
        assert_eq!(coverage(&[0xFF, 0xD8, 0xFF]), None);
        assert_eq!(coverage(&[0xFF, 0xD8, 0xFF, 0xC2, 0, 2]), None);
    }
}
