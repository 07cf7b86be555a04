//! Deflate for PDF streams, with the font programs' work shared across papers.
//!
//! Owns zlib compression of every stream the PDF writer makes. Short streams
//! (content, ToUnicode) are compressed in one go, and a roster's papers
//! repeat most of them (the pages without the name), so the ones made
//! lately are kept by their bytes. Font programs are long and nearly the
//! same from paper to paper: a roster's papers differ by a name, i.e. by a
//! few glyphs inserted among six hundred.
//! Compressing each from scratch was 40 % of a paper's time, so they are cut
//! into chunks at points chosen by their content (a rolling hash over the
//! bytes: an insertion moves no cut but its own chunk's), and each chunk is
//! compressed alone with the 32 KiB before it as preset dictionary, ended by
//! a sync flush, and kept: a chunk met again after the same 32 KiB is not
//! compressed again. The pieces join into one zlib stream (header, pieces,
//! an empty final block, the Adler-32 combined from the pieces'). The bytes
//! out depend only on the bytes in, never on what the cache held, so
//! identical input still gives identical output.
//!
//! It never decides what goes into a stream.

use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};

use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;

/// Level for content and ToUnicode streams: most of their bytes are
/// repeated operators, and level 3 compresses them as well as 6, faster.
pub const STREAM_LEVEL: u32 = 3;
/// Levels for font programs, measured (CPU time, zlib-rs) on the subsets of
/// a 党性分析材料's 588 body glyphs. FandolFang's CFF (345 KB): level 6 makes
/// 275.5 KB in 7.0 ms, level 7 274.2 KB in 7.0 ms, level 9 274.1 KB in
/// 10.7 ms, level 1 328 KB. AR PL UKai's TrueType (315 KB): level 6 192.2 KB
/// in 7.3 ms, level 7 190.9 KB in 9.4 ms, level 9 195.0 KB in 13.6 ms.
pub const CFF_LEVEL: u32 = 7;
pub const TRUETYPE_LEVEL: u32 = 6;
/// The preset dictionary of a chunk: deflate's whole window. Measured on
/// FandolFang's subset in 16 KiB chunks: 8 KiB of dictionary cost 1.6 % in
/// size, 32 KiB 0.2 %.
const DICTIONARY: usize = 32 * 1024;
/// Chunk lengths: a cut where the rolling hash's top 13 bits are zero (so
/// about 8 KiB apart), never closer than `MIN_CHUNK`, always by `MAX_CHUNK`.
/// Measured on 300 党性分析材料 with distinct names: cuts about 16 KiB apart
/// left 36 KB of FandolFang a paper to compress, 8 KiB apart 8 KB, for 0.4 %
/// more bytes (4 KiB: 0.8 % more, no fewer left).
const CUT_SHIFT: u32 = 64 - 13;
const MIN_CHUNK: usize = 2 * 1024;
const MAX_CHUNK: usize = 64 * 1024;
/// Streams shorter than this are compressed in one go.
const CHUNKED_FROM: usize = 2 * MAX_CHUNK;
/// The chunk cache is emptied when it holds more than this (keys, i.e.
/// chunk and dictionary, plus compressed bytes), so memory stays flat
/// however long the batch.
const CACHE_BYTES: usize = 16 << 20;

/// `data` as a zlib stream, compressed at `level` in one go.
pub fn zlib(data: &[u8], level: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    run(
        &mut compressor(level, true),
        data,
        &mut out,
        FlushCompress::Finish,
    );
    out
}

/// `data` as a zlib stream at `level`, as [`zlib`] makes it, from a cache
/// of the streams made lately. For the short streams that repeat from paper
/// to paper in a roster (the pages without the name, most faces' ToUnicode
/// CMaps): four in five of their bytes, measured on 50 党性分析材料 with
/// distinct names.
pub fn zlib_recent(data: &[u8], level: u32) -> Vec<u8> {
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(data);
    h.write_u32(level);
    let hash = h.finish();
    if let Some(s) = RECENT.get(hash) {
        if s.level == level && *s.raw == *data {
            return s.deflated.to_vec();
        }
    }
    let deflated = zlib(data, level);
    let stream = Arc::new(Stream {
        raw: data.into(),
        level,
        deflated: deflated.as_slice().into(),
    });
    RECENT.put(hash, stream);
    deflated
}

/// A short stream made lately: its bytes, level and zlib stream.
struct Stream {
    raw: Box<[u8]>,
    level: u32,
    deflated: Box<[u8]>,
}

static RECENT: Bounded<Stream> = Bounded::new(RECENT_BYTES);

/// The stream cache is emptied when it holds more than this (a paper's
/// short streams are about 70 KB before compression).
const RECENT_BYTES: usize = 4 << 20;

/// `data` as a zlib stream at `level`, its bytes from `body` on compressed
/// chunk by chunk through the cache (the bytes before `body`, which differ
/// from paper to paper, are compressed afresh and serve no chunk as
/// dictionary).
pub fn zlib_shared(data: &[u8], body: usize, level: u32) -> Vec<u8> {
    if data.len() < CHUNKED_FROM {
        return zlib(data, level);
    }
    let body = body.min(data.len());
    let mut out = Vec::with_capacity(data.len() * 5 / 6);
    out.extend_from_slice(&zlib_header(level));
    let mut adler = simd_adler32::Adler32::new();
    adler.write(&data[..body]);
    let mut adler = adler.finish();
    if body > 0 {
        run(
            &mut compressor(level, false),
            &data[..body],
            &mut out,
            FlushCompress::Sync,
        );
    }
    let rest = &data[body..];
    let ends = cuts(rest);
    let starts: Vec<usize> = std::iter::once(0).chain(ends.iter().copied()).collect();
    // Each chunk's bytes are hashed once; a piece's key hashes those of its
    // chunk and of the chunks its dictionary reaches into.
    let hashes: Vec<u64> = ends
        .iter()
        .zip(&starts)
        .map(|(&end, &start)| {
            let mut h = rustc_hash::FxBuildHasher.build_hasher();
            h.write(&rest[start..end]);
            h.finish()
        })
        .collect();
    // Chunks new to the cache are compressed on every core (a single paper's
    // first subset is all new).
    let pieces: Vec<(usize, Arc<Piece>)> = ends
        .par_iter()
        .enumerate()
        .map(|(i, &end)| {
            let start = starts[i];
            let from = start.saturating_sub(DICTIONARY);
            let first = ends.partition_point(|&e| e <= from);
            let mut h = rustc_hash::FxBuildHasher.build_hasher();
            for x in &hashes[first..=i] {
                h.write_u64(*x);
            }
            h.write_usize(start - from);
            h.write_u32(level);
            let key = h.finish();
            (
                end - start,
                piece(key, &rest[from..start], &rest[start..end], level),
            )
        })
        .collect();
    for (len, piece) in pieces {
        out.extend_from_slice(&piece.deflated);
        adler = adler32_combine(adler, piece.adler, len);
    }
    // An empty final block with fixed codes, then the checksum.
    out.extend_from_slice(&[0x03, 0x00]);
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

/// The two header bytes of a zlib stream (RFC 1950) at `level`.
fn zlib_header(level: u32) -> [u8; 2] {
    let flevel: u16 = match level {
        0 | 1 => 0,
        2..=5 => 1,
        6 => 2,
        _ => 3,
    };
    let h = 0x7800 | flevel << 6;
    let h = h + (31 - h % 31) % 31;
    h.to_be_bytes()
}

/// The ends of the chunks of `data`: content-defined cut points.
fn cuts(data: &[u8]) -> Vec<usize> {
    let mut out = Vec::with_capacity(data.len() / (16 * 1024) + 1);
    let mut start = 0;
    while start < data.len() {
        let limit = (start + MAX_CHUNK).min(data.len());
        let mut end = limit;
        let mut h: u64 = 0;
        // The hash looks at the last 64 bytes: begin just before the
        // shortest chunk's end.
        let from = (start + MIN_CHUNK).saturating_sub(64).min(limit);
        for (i, &b) in data[from..limit].iter().enumerate() {
            h = (h << 1).wrapping_add(GEAR[usize::from(b)]);
            let at = from + i + 1;
            if at - start >= MIN_CHUNK && h >> CUT_SHIFT == 0 {
                end = at;
                break;
            }
        }
        out.push(end);
        start = end;
    }
    out
}

/// A random number per byte value for the rolling hash (SplitMix64 from a
/// fixed seed: the cut points must be the same in every run).
static GEAR: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut s: u64 = 0x5745_4e53_4855_0001;
    let mut i = 0;
    while i < 256 {
        s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        t[i] = z ^ (z >> 31);
        i += 1;
    }
    t
};

/// One compressed chunk: raw deflate ending in a sync flush.
struct Piece {
    /// The dictionary's bytes, then the chunk's: what it was made from.
    key: Box<[u8]>,
    level: u32,
    deflated: Box<[u8]>,
    adler: u32,
}

/// Values made lately, by a hash of what they were made from (which each
/// value keeps, for the caller to check), emptied when they hold more than
/// `cap` bytes: memory stays flat however long the batch.
struct Bounded<T> {
    map: Mutex<Option<(rustc_hash::FxHashMap<u64, Arc<T>>, usize)>>,
    cap: usize,
}

/// What a cached value holds, in bytes.
trait Weighed {
    fn bytes(&self) -> usize;
}

impl<T: Weighed> Bounded<T> {
    const fn new(cap: usize) -> Bounded<T> {
        Bounded {
            map: Mutex::new(None),
            cap,
        }
    }

    fn get(&self, hash: u64) -> Option<Arc<T>> {
        let map = self.map.lock().expect("stream cache");
        map.as_ref().and_then(|(m, _)| m.get(&hash).cloned())
    }

    fn put(&self, hash: u64, value: Arc<T>) {
        let mut map = self.map.lock().expect("stream cache");
        let (m, bytes) = map.get_or_insert_with(Default::default);
        if *bytes > self.cap {
            m.clear();
            *bytes = 0;
        }
        *bytes += value.bytes();
        if let Some(old) = m.insert(hash, value) {
            *bytes -= old.bytes();
        }
    }
}

impl Weighed for Piece {
    fn bytes(&self) -> usize {
        self.key.len() + self.deflated.len()
    }
}

impl Weighed for Stream {
    fn bytes(&self) -> usize {
        self.raw.len() + self.deflated.len()
    }
}

static CACHE: Bounded<Piece> = Bounded::new(CACHE_BYTES);

/// The compressed chunk `chunk` after `dict`, from the cache (under `hash`,
/// checked byte for byte) or made now.
fn piece(hash: u64, dict: &[u8], chunk: &[u8], level: u32) -> Arc<Piece> {
    if let Some(p) = CACHE.get(hash) {
        if p.level == level
            && p.key.len() == dict.len() + chunk.len()
            && p.key[..dict.len()] == *dict
            && p.key[dict.len()..] == *chunk
        {
            return p;
        }
    }
    let mut deflated = Vec::with_capacity(chunk.len() + 64);
    let mut z = compressor(level, false);
    if !dict.is_empty() {
        z.set_dictionary(dict).expect("deflate dictionary");
    }
    run(&mut z, chunk, &mut deflated, FlushCompress::Sync);
    let mut adler = simd_adler32::Adler32::new();
    adler.write(chunk);
    let mut key = Vec::with_capacity(dict.len() + chunk.len());
    key.extend_from_slice(dict);
    key.extend_from_slice(chunk);
    let piece = Arc::new(Piece {
        key: key.into_boxed_slice(),
        level,
        deflated: deflated.into_boxed_slice(),
        adler: adler.finish(),
    });
    CACHE.put(hash, piece.clone());
    piece
}

/// A new compressor for every stream: zlib-rs's `reset` followed by a preset
/// dictionary gave output that depended on the compressor's earlier streams
/// (found by the byte-identical test; two papers in three hundred), and
/// setting one up costs little beside compressing.
fn compressor(level: u32, zlib: bool) -> Compress {
    Compress::new(Compression::new(level), zlib)
}

/// Feeds all of `data` through `z`, appending to `out`, then flushes.
fn run(z: &mut Compress, data: &[u8], out: &mut Vec<u8>, flush: FlushCompress) {
    let start = z.total_in();
    loop {
        let done = (z.total_in() - start) as usize;
        if out.capacity() - out.len() < 64 {
            out.reserve((data.len() - done) / 2 + 1024);
        }
        let status = z
            .compress_vec(&data[done..], out, flush)
            .expect("deflate in memory");
        let consumed = (z.total_in() - start) as usize == data.len();
        match flush {
            FlushCompress::Finish if status == Status::StreamEnd => return,
            // A flush is complete when the output had room to spare.
            FlushCompress::Sync if consumed && out.len() < out.capacity() => return,
            _ => {}
        }
    }
}

/// The Adler-32 of two strings joined, from theirs (zlib's adler32_combine).
fn adler32_combine(a1: u32, a2: u32, len2: usize) -> u32 {
    const BASE: u64 = 65521;
    let rem = len2 as u64 % BASE;
    let mut sum1 = u64::from(a1 & 0xffff);
    let mut sum2 = rem * sum1 % BASE;
    sum1 += u64::from(a2 & 0xffff) + BASE - 1;
    sum2 += u64::from(a1 >> 16) + u64::from(a2 >> 16) + BASE - rem;
    if sum1 >= BASE {
        sum1 -= BASE;
    }
    if sum1 >= BASE {
        sum1 -= BASE;
    }
    if sum2 >= BASE << 1 {
        sum2 -= BASE << 1;
    }
    if sum2 >= BASE {
        sum2 -= BASE;
    }
    (sum1 | sum2 << 16) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate(z: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(z)
            .read_to_end(&mut out)
            .expect("a valid zlib stream");
        out
    }

    /// Bytes like a font program: repetitive in places, varied in others.
    fn sample(n: usize, seed: u64) -> Vec<u8> {
        let mut s = seed;
        (0..n)
            .map(|i| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if i % 7 < 3 {
                    (i % 251) as u8
                } else {
                    (s >> 56) as u8
                }
            })
            .collect()
    }

    #[test]
    fn chunked_streams_inflate_to_their_input() {
        for n in [0, 10, CHUNKED_FROM - 1, CHUNKED_FROM, 400_000] {
            let data = sample(n, n as u64);
            for body in [0, 3000, n / 2] {
                assert_eq!(
                    inflate(&zlib_shared(&data, body, CFF_LEVEL)),
                    data,
                    "n={n} body={body}"
                );
            }
        }
    }

    #[test]
    fn output_does_not_depend_on_the_cache() {
        let a = sample(300_000, 7);
        let mut b = a.clone();
        // Insert a "glyph" in the middle, as a new name does.
        b.splice(150_000..150_000, sample(600, 99));
        let cold = zlib_shared(&b, 100, CFF_LEVEL);
        *CACHE.map.lock().unwrap() = None;
        let first_a = zlib_shared(&a, 100, CFF_LEVEL);
        let warm = zlib_shared(&b, 100, CFF_LEVEL);
        assert_eq!(cold, warm);
        assert_eq!(first_a, zlib_shared(&a, 100, CFF_LEVEL));
        assert_eq!(inflate(&warm), b);
    }

    #[test]
    fn an_insertion_moves_only_nearby_cuts() {
        let a = sample(300_000, 3);
        let mut b = a.clone();
        b.splice(150_000..150_000, sample(600, 5));
        let (ca, cb) = (cuts(&a), cuts(&b));
        let after: Vec<usize> = cb
            .iter()
            .filter(|&&c| c > 170_000)
            .map(|c| c - 600)
            .collect();
        assert!(ca.ends_with(&after), "{ca:?}\n{cb:?}");
        assert!(ca.iter().filter(|&&c| c < 150_000).all(|c| cb.contains(c)));
    }

    #[test]
    fn recent_streams_are_made_as_zlib_makes_them() {
        let a = sample(5000, 1);
        let b = sample(5000, 2);
        for _ in 0..2 {
            assert_eq!(zlib_recent(&a, STREAM_LEVEL), zlib(&a, STREAM_LEVEL));
            assert_eq!(zlib_recent(&b, STREAM_LEVEL), zlib(&b, STREAM_LEVEL));
            assert_eq!(zlib_recent(&a, CFF_LEVEL), zlib(&a, CFF_LEVEL));
        }
        assert_eq!(inflate(&zlib_recent(&b, STREAM_LEVEL)), b);
    }

    #[test]
    fn adler_combines_like_the_whole() {
        let data = sample(100_000, 11);
        let whole = {
            let mut a = simd_adler32::Adler32::new();
            a.write(&data);
            a.finish()
        };
        for cut in [0, 1, 5552, 65521, 70_000, 100_000] {
            let part = |d: &[u8]| {
                let mut a = simd_adler32::Adler32::new();
                a.write(d);
                a.finish()
            };
            let (x, y) = data.split_at(cut);
            assert_eq!(adler32_combine(part(x), part(y), y.len()), whole);
        }
    }

    #[test]
    fn zlib_headers_are_valid() {
        for level in 0..=9 {
            let h = zlib_header(level);
            assert_eq!(h[0], 0x78);
            assert_eq!(u16::from_be_bytes(h) % 31, 0);
        }
        assert_eq!(zlib_header(6), [0x78, 0x9c]);
    }
}
