//! The printed boards: one sheet per road (A4 or A3) with its chief, the published contact and
//! hours, the chief's duties, and a QR code that opens the road's board page. The QR carries the
//! road's board code too (`?c=`), which later proves a chief stood at the board. The coordinator
//! prints every board at once from this one page.

use super::{document_with, text};
use crate::backend::store::directory::Road;
use crate::backend::store::reports::Publication;
use crate::i18n::{Lang, ServerMsg};
use leptos::prelude::*;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The sheet size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    A4,
    A3,
}

impl Paper {
    pub fn parse(text: &str) -> Option<Paper> {
        match text.to_ascii_lowercase().as_str() {
            "a4" => Some(Paper::A4),
            "a3" => Some(Paper::A3),
            _ => None,
        }
    }

    fn css(self) -> &'static str {
        match self {
            // Sizes in mm: everything scales with the sheet.
            Paper::A4 => "@page{size:A4;margin:0}:root{--sheet-w:210mm;--sheet-h:297mm;--u:1mm}",
            Paper::A3 => "@page{size:A3;margin:0}:root{--sheet-w:297mm;--sheet-h:420mm;--u:1.414mm}",
        }
    }
}

/// The address a road's QR code opens.
pub fn board_url(base: &str, road_id: &str, code: Option<&str>) -> String {
    match code {
        Some(code) => format!("{base}/board/{road_id}?c={code}"),
        None => format!("{base}/board/{road_id}"),
    }
}

/// The QR code of `url` as an inline SVG (dark modules on white, with the quiet zone).
pub fn qr_svg(url: &str) -> String {
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let image = code.render::<svg::Color<'_>>().quiet_zone(true).min_dimensions(200, 200).build();
    // Inline in HTML: without the XML declaration, sized by the sheet's style.
    match image.find("<svg") {
        Some(at) => image[at..].to_owned(),
        None => String::new(),
    }
}

const STYLE: &str = "\
body{background:#d9dedb;margin:0;font-family:system-ui,\"PingFang SC\",\"Microsoft YaHei\",sans-serif}\
.sheet{width:var(--sheet-w);height:var(--sheet-h);margin:0 auto 8mm;background:#fff;color:#1d2327;\
display:flex;flex-direction:column;page-break-after:always;break-after:page;overflow:hidden}\
.sheet header{background:#0b5d3b;color:#fff;padding:calc(12*var(--u)) calc(14*var(--u))}\
.sheet .kicker{font-size:calc(7*var(--u));letter-spacing:.15em;margin:0}\
.sheet h1{font-size:calc(17*var(--u));margin:calc(3*var(--u)) 0 0;line-height:1.15}\
.sheet .en{font-size:calc(6*var(--u));opacity:.85;margin:calc(1*var(--u)) 0 0}\
.sheet dl{display:grid;grid-template-columns:auto 1fr;gap:calc(3*var(--u)) calc(6*var(--u));\
margin:calc(10*var(--u)) calc(14*var(--u)) 0;font-size:calc(7*var(--u))}\
.sheet dt{color:#5b6670}.sheet dd{margin:0;font-weight:700}\
.sheet .duties{margin:calc(8*var(--u)) calc(14*var(--u)) 0;font-size:calc(5*var(--u));line-height:1.6;color:#333}\
.sheet .qr{margin:auto calc(14*var(--u)) calc(12*var(--u));display:flex;gap:calc(8*var(--u));align-items:center}\
.sheet .qr svg{width:calc(62*var(--u));height:calc(62*var(--u));flex:none}\
.sheet .qr p{font-size:calc(6.5*var(--u));margin:0 0 calc(2*var(--u));font-weight:700}\
.sheet .qr small{font-size:calc(3.6*var(--u));color:#5b6670;word-break:break-all;display:block}\
.screen{max-width:210mm;margin:6mm auto;font:16px/1.5 system-ui,sans-serif}\
.screen a{margin-right:1em}\
@media print{body{background:#fff}.screen{display:none}.sheet{margin:0}}";

fn sheet(lang: Lang, base: &str, road: &Road, publication: &Publication) -> impl IntoView {
    let url = board_url(base, &road.named.id, publication.board_code.as_deref());
    let shown = board_url(base, &road.named.id, None);
    let qr = qr_svg(&url);
    let code = publication.board_code.clone().unwrap_or_default();
    let contact =
        publication.public_contact.clone().unwrap_or_else(|| text(lang, ServerMsg::public_contact_none).to_owned());
    view! {
        <section class="sheet" aria-label=road.named.name_zh.clone()>
            <header>
                <p class="kicker">{text(lang, ServerMsg::public_board_subtitle)}</p>
                <h1>{road.named.name_zh.clone()}</h1>
                <p class="en">{road.named.name_en.clone()}</p>
            </header>
            <dl>
                <dt>{text(lang, ServerMsg::public_community)}</dt>
                <dd>{lang.pick(&road.community.name_zh, &road.community.name_en).to_owned()}</dd>
                <dt>{text(lang, ServerMsg::public_chief)}</dt>
                <dd>{road.chief_name.clone()}</dd>
                <dt>{text(lang, ServerMsg::public_contact)}</dt>
                <dd>{contact}</dd>
                {publication.office_hours.clone().map(|hours| view! {
                    <dt>{text(lang, ServerMsg::public_hours)}</dt>
                    <dd>{hours}</dd>
                })}
            </dl>
            <p class="duties">{text(lang, ServerMsg::public_print_duties)}</p>
            <div class="qr">
                <div inner_html=qr></div>
                <div>
                    <p>{text(lang, ServerMsg::public_print_scan)}</p>
                    <small>{shown}</small>
                    <small>{lang.server_format(ServerMsg::public_print_code, &[("code", &code)])}</small>
                </div>
            </div>
        </section>
    }
}

/// Every board given, one per sheet, for the browser to print.
pub fn page(lang: Lang, nonce: &str, boards: &[(Road, Publication)], paper: Paper, base: &str) -> String {
    let other = match paper {
        Paper::A4 => "a3",
        Paper::A3 => "a4",
    };
    let sheets = boards.iter().map(|(road, publication)| sheet(lang, base, road, publication)).collect_view();
    let body = view! {
        <div class="screen">
            <h1>{text(lang, ServerMsg::public_print_title)}</h1>
            <p>{lang.server_format(ServerMsg::public_print_hint, &[("n", &boards.len().to_string())])}</p>
            <p>
                <a href=format!("/boards/print?size={other}")>{text(lang, ServerMsg::public_print_other_size)}</a>
                <a href="/overview">{text(lang, ServerMsg::public_print_back)}</a>
            </p>
        </div>
        {sheets}
    }
    .to_html();
    let style = format!("{}{STYLE}", paper.css());
    document_with(lang, nonce, text(lang, ServerMsg::public_print_title), body, false, &style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_inline_svg_of_the_board_address() {
        let url = board_url("https://road.example.gov.cn", "market-road-1", Some("ABCDEFGHJK012345"));
        assert_eq!(url, "https://road.example.gov.cn/board/market-road-1?c=ABCDEFGHJK012345");
        let svg = qr_svg(&url);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>") && !svg.contains("<?xml"), "{svg}");
        assert_ne!(qr_svg("a"), qr_svg("b"));
    }

    #[test]
    fn papers_are_a4_and_a3() {
        assert_eq!(Paper::parse("A3"), Some(Paper::A3));
        assert_eq!(Paper::parse("a4"), Some(Paper::A4));
        assert_eq!(Paper::parse("letter"), None);
    }
}
