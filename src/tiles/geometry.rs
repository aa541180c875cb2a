//! Cube geometry shared by the tiler and the viewer: face directions, face size and pyramid levels, in
//! the layout Pannellum's multires generator uses, so tours also open in that viewer.

/// The six faces, in output order.
pub const FACES: [Face; 6] = [Face::F, Face::B, Face::U, Face::D, Face::L, Face::R];

/// A cube face, named as in file names (`f`, `b`, `u`, `d`, `l`, `r`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// Front: yaw 0.
    F,
    /// Back: yaw 180.
    B,
    /// Up.
    U,
    /// Down.
    D,
    /// Left: yaw −90.
    L,
    /// Right: yaw 90.
    R,
}

impl Face {
    /// The letter used in tile names.
    pub fn letter(self) -> char {
        match self {
            Face::F => 'f',
            Face::B => 'b',
            Face::U => 'u',
            Face::D => 'd',
            Face::L => 'l',
            Face::R => 'r',
        }
    }

    /// The view direction through a point of the face, for `u` (right) and `v` (down) in −1…1.
    ///
    /// Axes: x towards yaw 90°, y up, z towards yaw 0°. Side faces are seen upright from inside; the top
    /// face's bottom edge meets the front face's top edge and the bottom face's top edge meets its bottom
    /// edge, as Pannellum draws them.
    #[inline]
    pub fn direction(self, u: f32, v: f32) -> [f32; 3] {
        match self {
            Face::F => [u, -v, 1.0],
            Face::B => [-u, -v, -1.0],
            Face::R => [1.0, -v, -u],
            Face::L => [-1.0, -v, u],
            Face::U => [u, 1.0, v],
            Face::D => [u, -1.0, -v],
        }
    }
}

/// Cube face size for an equirectangular image `width` pixels wide: width/π rounded down to a multiple of 8.
pub fn cube_size(width: u32) -> u32 {
    ((width as f64 / std::f64::consts::PI / 8.0).floor() as u32 * 8).max(8)
}

/// Number of pyramid levels for a face size and tile size, as Pannellum's generator computes it.
pub fn levels(cube: u32, tile: u32) -> u32 {
    let tile = tile.min(cube);
    let mut levels = ((cube as f64 / tile as f64).log2().ceil() as u32) + 1;
    if levels >= 2 && cube / 2u32.pow(levels - 2) == tile {
        levels -= 1;
    }
    levels.max(1)
}

/// Face size at `level` (1 = smallest) of a pyramid whose largest level is `cube`.
pub fn level_size(cube: u32, level: u32, max_level: u32) -> u32 {
    let mut size = cube;
    for _ in level..max_level {
        size /= 2;
    }
    size.max(1)
}

/// Tiles per side at a face size.
pub fn tiles_per_side(size: u32, tile: u32) -> u32 {
    size.div_ceil(tile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_pannellums_numbers() {
        assert_eq!(cube_size(8192), 2600);
        assert_eq!(cube_size(6000), 1904);
        assert_eq!(cube_size(16384), 5208);
        let max = levels(2600, 512);
        assert_eq!(max, 4);
        let sizes: Vec<u32> = (1..=max).map(|l| level_size(2600, l, max)).collect();
        assert_eq!(sizes, vec![325, 650, 1300, 2600]);
        let tiles: u32 = sizes.iter().map(|s| tiles_per_side(*s, 512).pow(2) * 6).sum();
        assert_eq!(tiles, 300);
        assert_eq!(levels(5208, 512), 5);
        assert_eq!(levels(512, 512), 1);
        assert_eq!(levels(1024, 512), 2);
    }

    #[test]
    fn faces_meet_at_their_edges() {
        let n = |d: [f32; 3]| {
            let l = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
            [d[0] / l, d[1] / l, d[2] / l]
        };
        let close = |a: [f32; 3], b: [f32; 3]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6);
        for t in [-1.0, -0.3, 0.5, 1.0] {
            // Top of f = bottom of u; bottom of f = top of d; right of f = left of r; left of f = right of l.
            assert!(close(n(Face::F.direction(t, -1.0)), n(Face::U.direction(t, 1.0))));
            assert!(close(n(Face::F.direction(t, 1.0)), n(Face::D.direction(t, -1.0))));
            assert!(close(n(Face::F.direction(1.0, t)), n(Face::R.direction(-1.0, t))));
            assert!(close(n(Face::F.direction(-1.0, t)), n(Face::L.direction(1.0, t))));
            assert!(close(n(Face::R.direction(1.0, t)), n(Face::B.direction(-1.0, t))));
            assert!(close(n(Face::B.direction(1.0, t)), n(Face::L.direction(-1.0, t))));
        }
    }
}
