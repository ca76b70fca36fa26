//! Shows Markdown (coding rules, memos) rendered: headings, emphasis, lists, quotes, code.

use egui::text::LayoutJob;
use egui::{Color32, FontId, Stroke, TextFormat, Ui};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

#[derive(Default)]
struct Style {
    strong: usize,
    emphasis: usize,
    heading: Option<HeadingLevel>,
    quote: usize,
    code: bool,
}

/// Renders Markdown text into the ui, one laid-out block per paragraph, heading or list item.
pub fn markdown_ui(ui: &mut Ui, markdown: &str) {
    let body = ui.style().text_styles[&egui::TextStyle::Body].size;
    let text_color = ui.visuals().text_color();
    let strong_color = ui.visuals().strong_text_color();
    let weak = ui.visuals().weak_text_color();
    let mut style = Style::default();
    let mut job = LayoutJob::default();
    let mut lists: Vec<Option<u64>> = Vec::new();

    let flush = |ui: &mut Ui, job: &mut LayoutJob, quote: usize| {
        if job.text.is_empty() {
            return;
        }
        let finished = std::mem::take(job);
        if quote == 0 {
            ui.add(egui::Label::new(finished).wrap());
            return;
        }
        ui.horizontal(|ui| {
            let (rect, _) =
                ui.allocate_exact_size(egui::vec2(6.0 * quote as f32, body), egui::Sense::hover());
            ui.painter()
                .vline(rect.left() + 1.0, rect.y_range(), Stroke::new(2.0, weak));
            ui.add(egui::Label::new(finished).wrap());
        });
    };

    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(ui, &mut job, style.quote);
                style.heading = Some(level);
            }
            Event::End(TagEnd::Heading(_)) => {
                flush(ui, &mut job, style.quote);
                style.heading = None;
            }
            Event::Start(Tag::Paragraph) => flush(ui, &mut job, style.quote),
            Event::End(TagEnd::Paragraph) => {
                flush(ui, &mut job, style.quote);
                ui.add_space(2.0);
            }
            Event::Start(Tag::BlockQuote(_)) => {
                flush(ui, &mut job, style.quote);
                style.quote += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                flush(ui, &mut job, style.quote);
                style.quote = style.quote.saturating_sub(1);
            }
            Event::Start(Tag::List(start)) => {
                flush(ui, &mut job, style.quote);
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                flush(ui, &mut job, style.quote);
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(ui, &mut job, style.quote);
                let indent = "    ".repeat(lists.len().saturating_sub(1));
                let bullet = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{indent}{}. ", *n - 1)
                    }
                    _ => format!("{indent}• "),
                };
                job.append(
                    &bullet,
                    0.0,
                    TextFormat::simple(FontId::proportional(body), text_color),
                );
            }
            Event::End(TagEnd::Item) => flush(ui, &mut job, style.quote),
            Event::Start(Tag::Strong) => style.strong += 1,
            Event::End(TagEnd::Strong) => style.strong = style.strong.saturating_sub(1),
            Event::Start(Tag::Emphasis) => style.emphasis += 1,
            Event::End(TagEnd::Emphasis) => style.emphasis = style.emphasis.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => {
                flush(ui, &mut job, style.quote);
                style.code = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                flush(ui, &mut job, style.quote);
                style.code = false;
            }
            Event::Text(text) => {
                job.append(
                    &text,
                    0.0,
                    format(&style, body, text_color, strong_color, false),
                );
            }
            Event::Code(text) => {
                job.append(
                    &text,
                    0.0,
                    format(&style, body, text_color, strong_color, true),
                );
            }
            Event::SoftBreak => job.append(
                " ",
                0.0,
                format(&style, body, text_color, strong_color, false),
            ),
            Event::HardBreak => job.append(
                "\n",
                0.0,
                format(&style, body, text_color, strong_color, false),
            ),
            Event::Rule => {
                flush(ui, &mut job, style.quote);
                ui.separator();
            }
            _ => {}
        }
    }
    flush(ui, &mut job, style.quote);
}

fn format(style: &Style, body: f32, text: Color32, strong: Color32, code: bool) -> TextFormat {
    let size = match style.heading {
        Some(HeadingLevel::H1) => body * 1.45,
        Some(HeadingLevel::H2) => body * 1.25,
        Some(_) => body * 1.1,
        None => body,
    };
    let font = if code || style.code {
        FontId::monospace(size * 0.95)
    } else {
        FontId::proportional(size)
    };
    TextFormat {
        font_id: font,
        color: if style.strong > 0 || style.heading.is_some() {
            strong
        } else {
            text
        },
        italics: style.emphasis > 0 || style.quote > 0,
        ..TextFormat::default()
    }
}
