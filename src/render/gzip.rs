//! Bytes gzipped by the runtime's own compressor (native zlib, through
//! `CompressionStream`), much faster than compressing in WebAssembly.

use wasm_bindgen::{JsCast, JsValue};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The runtime's own compressor (native zlib), seen only for its
    /// readable and writable sides.
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
}

/// `bytes` as gzip, by the runtime's `CompressionStream`.
#[cfg(target_arch = "wasm32")]
pub async fn gzip(bytes: &[u8]) -> Result<Vec<u8>, JsValue> {
    let compressor = CompressionStream::new("gzip")?;
    let compressed =
        stream_of(bytes)?.pipe_through(compressor.unchecked_ref::<web_sys::ReadableWritablePair>());
    let sink = web_sys::Response::new_with_opt_readable_stream(Some(&compressed))?;
    let buffer = JsFuture::from(sink.array_buffer()?).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// `bytes` as gzip, on the host (tests): the same format, by `flate2`.
#[cfg(not(target_arch = "wasm32"))]
pub async fn gzip(bytes: &[u8]) -> Result<Vec<u8>, JsValue> {
    use std::io::Write;
    let mut packer = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    packer
        .write_all(bytes)
        .and_then(|()| packer.finish())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The runtime's own decompressor, seen as the compressor is.
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
}

/// `packed` (gzip) as a stream of the plain bytes, unpacked by the runtime
/// as it is read: the plain bytes never sit in memory whole.
pub fn unpacking(packed: &[u8]) -> Result<web_sys::ReadableStream, JsValue> {
    let unpacker = DecompressionStream::new("gzip")?;
    Ok(stream_of(packed)?.pipe_through(unpacker.unchecked_ref::<web_sys::ReadableWritablePair>()))
}

/// `bytes` as a stream the runtime's (de)compressors read.
fn stream_of(bytes: &[u8]) -> Result<web_sys::ReadableStream, JsValue> {
    let source =
        web_sys::Response::new_with_opt_buffer_source(Some(&js_sys::Uint8Array::from(bytes)))?;
    source
        .body()
        .ok_or_else(|| JsValue::from_str("a response without a body"))
}
