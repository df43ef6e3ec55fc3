/// The one stylesheet, served from memory: no CDN, works air-gapped. Colours meet WCAG AA
/// contrast in both schemes; dark mode follows `prefers-color-scheme`.
enum Stylesheet {
    static let css = """
        :root { --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad;
          --accent-fg: #ffffff; --error-bg: #ffebe9; --error-fg: #82071e; --panel: #f6f8fa; }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --accent: #4493f8;
            --accent-fg: #0d1117; --error-bg: #3c1618; --error-fg: #ffa198; --panel: #161b22; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
          background: var(--bg); color: var(--fg); }
        a { color: var(--accent); }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; }
        .top { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
          padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
        .brand { font-weight: 700; text-decoration: none; color: var(--fg); font-size: 1.1rem; }
        .account { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
        .who { color: var(--muted); }
        main { padding: 1.25rem; max-width: 72rem; margin: 0 auto; }
        main:focus { outline: none; }
        h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
        .card { max-width: 26rem; margin: 3rem auto; padding: 1.5rem; border: 1px solid var(--line);
          border-radius: 8px; background: var(--panel); }
        label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
        input[type=text], input[type=password] { width: 100%; padding: .5rem; font: inherit;
          color: var(--fg); background: var(--bg); border: 1px solid var(--muted); border-radius: 6px; }
        button { font: inherit; padding: .5rem 1rem; border-radius: 6px; border: 1px solid var(--accent);
          background: var(--accent); color: var(--accent-fg); cursor: pointer; margin-top: 1rem; }
        button.link { background: none; border: none; color: var(--accent); padding: 0; margin: 0;
          text-decoration: underline; }
        :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        form.inline { display: inline; }
        .error { background: var(--error-bg); color: var(--error-fg); padding: .75rem; border-radius: 6px; }
        .hint { color: var(--muted); font-size: .9rem; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .5rem; border-bottom: 1px solid var(--line); }
        td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
        @media (max-width: 40rem) { main { padding: .75rem; } .card { margin: 1rem auto; } }
        @media print { .top nav, .skip, button { display: none; } body { background: #fff; color: #000; } }
        """
}
