//! One integration-test binary: each module builds real PDFs with the
//! `baogao` binary and inspects them with poppler and qpdf.

mod archival;
mod batch;
mod errors;
mod faults;
mod fonts;
mod formats;
mod fuzzed;
mod gongwen_head;
mod hostile;
mod html;
mod image_errors;
mod import;
mod ofd;
mod photos;
mod preview;
mod properties;
mod safety;
mod sample;
mod scale;
mod stock_typst;
mod structure;
mod support;
mod templates;
mod yearly;
