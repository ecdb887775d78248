//! The post-mortem draft (Markdown) as HTML a browser can show safely: rendered with
//! pulldown-cmark, then cleaned by ammonia (no script, no event handlers, no `javascript:`
//! URLs, links get `rel="noopener noreferrer"`).

pub fn to_safe_html(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::clean(&html)
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let html = to_safe_html(
            "# T\n<script>alert(1)</script>\n\n\"><img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) **b**",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("<strong>b</strong>"), "{html}");
    }
}
