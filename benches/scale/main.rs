//! How baogao's time and peak memory grow with the size of a report.
//!
//!     cargo bench --bench scale [-- --factors 1,10,100 --runs 3]
//!
//! Builds the generated report (benches/scale/report.rs) at each size with
//! the optimised binary, measured from outside by /usr/bin/time (wall time,
//! peak RSS; medians of --runs), and prints a table with ratios against 1×
//! measured in the same run and the cost per 1× of size, so linear growth
//! shows as a flat column; the table also goes to benches/scale.md. Sizes
//! past the default row limit are built with `--max-table-rows` raised.

use std::path::Path;
use std::process::Command;

#[path = "report.rs"]
mod scale_report;

struct Size {
    factor: usize,
    pages: usize,
    seconds: f64,
    megabytes: f64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str, default: &str| {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or(default.into())
    };
    let factors: Vec<usize> = option("--factors", "1,10,100").split(',').map(|f| f.parse().expect("factor")).collect();
    let runs: usize = option("--runs", "3").parse().expect("runs");
    let tmp = tempfile::tempdir().expect("temp dir");
    let sizes: Vec<Size> = factors.iter().map(|&f| measure(tmp.path(), f, runs)).collect();
    let table = render(&sizes, &factors, runs);
    println!("{table}");
    std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scale.md"), table).expect("write scale.md");
}

fn measure(tmp: &Path, factor: usize, runs: usize) -> Size {
    let report = tmp.join(format!("scale-{factor}x"));
    scale_report::write_report(&report, factor);
    let out = tmp.join(format!("scale-{factor}x.pdf"));
    let rows = (1000 + 55) * factor; // the CSV, the metrics and their group headers
    let mut samples: Vec<(f64, f64)> = (0..runs).map(|_| build(&report, &out, rows)).collect();
    let seconds = median(samples.iter().map(|s| s.0).collect());
    let megabytes = median(samples.drain(..).map(|s| s.1).collect());
    let size = Size { factor, pages: pages(&out), seconds, megabytes };
    eprintln!("{factor}×: {} pages, {seconds:.2} s, {megabytes:.0} MB", size.pages);
    size
}

/// One cold build: (wall seconds, peak RSS in MB).
fn build(report: &Path, out: &Path, rows: usize) -> (f64, f64) {
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%e %M", env!("CARGO_BIN_EXE_baogao"), "build"])
        .arg(report)
        .arg("-o")
        .arg(out)
        .args(["--max-table-rows", &rows.to_string()])
        .output()
        .expect("run /usr/bin/time (apt-get install time)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "build of {} failed:\n{stderr}", report.display());
    let last = stderr.lines().last().unwrap_or_default();
    let mut fields = last.split_whitespace().map(|f| f.parse::<f64>().expect("time's output"));
    (fields.next().expect("wall"), fields.next().expect("rss") / 1024.0)
}

fn pages(pdf: &Path) -> usize {
    let info = Command::new("pdfinfo").arg(pdf).output().expect("run pdfinfo (apt-get install poppler-utils)");
    let text = String::from_utf8_lossy(&info.stdout);
    text.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("page count")
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn render(sizes: &[Size], factors: &[usize], runs: usize) -> String {
    let base = &sizes[0];
    let factors: Vec<String> = factors.iter().map(|f| f.to_string()).collect();
    let mut text = format!(
        "# Scale: time and peak memory against report size\n\n\
         `cargo bench --bench scale -- --factors {} --runs {runs}`; optimised binary; medians of {runs} runs; \
         1× = 5 sections, 50 metrics, a 1 000-row CSV appendix; N× has N times each.\n\n\
         | size | pages | time (s) | time ratio | peak RSS (MB) | memory ratio | s per 1× | MB per 1× above 1× |\n\
         |---|---|---|---|---|---|---|---|\n",
        factors.join(",")
    );
    for s in sizes {
        let steps = (s.factor - base.factor) as f64;
        let extra = if steps > 0.0 { format!("{:.1}", (s.megabytes - base.megabytes) / steps) } else { "–".into() };
        text += &format!(
            "| {}× | {} | {:.2} | {:.1}× | {:.0} | {:.2}× | {:.3} | {extra} |\n",
            s.factor,
            s.pages,
            s.seconds,
            s.seconds / base.seconds,
            s.megabytes,
            s.megabytes / base.megabytes,
            s.seconds / s.factor as f64
        );
    }
    text
}
