/// The one stylesheet, served from memory: no CDN, works air-gapped. Colours meet WCAG AA
/// contrast in both schemes; dark mode follows `prefers-color-scheme`.
enum Stylesheet {
    static let css = """
        :root { --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad;
          --accent-fg: #ffffff; --error-bg: #ffebe9; --error-fg: #82071e; --panel: #f6f8fa;
          --bad: #cf222e; --okay: #9a6700; --good: #1a7f37; --ok-bg: #dafbe1; --ok-fg: #116329; }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --accent: #4493f8;
            --accent-fg: #0d1117; --error-bg: #3c1618; --error-fg: #ffa198; --panel: #161b22;
            --bad: #ff7b72; --okay: #d29922; --good: #3fb950; --ok-bg: #12261e; --ok-fg: #7ee2a8; }
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
        a.button { display: block; text-align: center; padding: .5rem 1rem; border-radius: 6px;
          border: 1px solid var(--accent); background: var(--accent); color: var(--accent-fg); text-decoration: none; }
        button.link { background: none; border: none; color: var(--accent); padding: 0; margin: 0;
          text-decoration: underline; }
        :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        form.inline { display: inline; }
        .error { background: var(--error-bg); color: var(--error-fg); padding: .75rem; border-radius: 6px; }
        .hint { color: var(--muted); font-size: .9rem; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .5rem; border-bottom: 1px solid var(--line); }
        td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
        h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
        h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
        h4 { font-size: .95rem; margin: .8rem 0 .3rem; }
        section { margin-bottom: 1.5rem; }
        .org-head { display: flex; justify-content: space-between; align-items: end; gap: 1rem; flex-wrap: wrap; }
        .org-name { font-weight: 600; margin: 0; }
        .switcher { display: flex; gap: .5rem; align-items: end; }
        .switcher label { margin: 0; }
        .switcher button { margin: 0; }
        .tabs ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem; padding: 0; margin: .75rem 0 1rem;
          border-bottom: 1px solid var(--line); }
        .tabs a { display: block; padding: .5rem .75rem; text-decoration: none; color: var(--fg); border-bottom: 3px solid transparent; }
        .tabs a[aria-current=page] { border-bottom-color: var(--accent); font-weight: 600; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
        .tile { border: 1px solid var(--line); border-radius: 8px; padding: 1rem; background: var(--panel); }
        .tile p { margin: .25rem 0; }
        .big { font-size: 2.2rem; font-weight: 700; }
        .big .of { font-size: 1.1rem; color: var(--muted); font-weight: 400; }
        .zone-bad { border-left: 6px solid var(--bad); }
        .zone-okay { border-left: 6px solid var(--okay); }
        .zone-good { border-left: 6px solid var(--good); }
        .zone-chip { padding: 0 .4rem; border-radius: 4px; border: 1px solid var(--line); }
        .zone-chip.zone-bad { border-left-width: 6px; }
        .notice { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; background: var(--panel); font-size: .9rem; }
        .chart-figure { margin: 0 0 1rem; }
        .chart-figure figcaption { font-weight: 600; margin-bottom: .25rem; }
        svg.chart { width: 100%; height: auto; max-height: 20rem; }
        svg .grid { stroke: var(--line); stroke-width: 1; }
        svg .axis { fill: var(--muted); font-size: 11px; }
        svg .line { fill: none; stroke-width: 2.5; }
        svg .s0 { stroke: var(--accent); fill: var(--accent); }
        svg .s1 { stroke: var(--muted); fill: var(--muted); }
        svg .s2 { stroke: var(--okay); fill: var(--okay); }
        svg .s3 { stroke: var(--good); fill: var(--good); }
        svg polyline.line { fill: none; }
        svg .bar { fill: var(--accent); }
        .legend { list-style: none; display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; margin: .25rem 0; font-size: .9rem; }
        details.data summary { cursor: pointer; color: var(--accent); font-size: .9rem; }
        details.data table { font-size: .85rem; }
        .filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .5rem 1rem; align-items: end;
          padding: .75rem; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); margin-bottom: 1rem; }
        .filters .wide { grid-column: 1 / -1; }
        .filters label { margin: 0 0 .2rem; font-weight: 600; font-size: .9rem; }
        .filters button { margin: 0; }
        select, textarea, input[type=date] { font: inherit; padding: .4rem; color: var(--fg); background: var(--bg);
          border: 1px solid var(--muted); border-radius: 6px; max-width: 100%; }
        textarea { width: 100%; }
        .check { display: flex; gap: .4rem; align-items: center; }
        .check label { margin: 0; font-weight: 400; }
        .tag { display: inline-flex; align-items: center; gap: .2rem; padding: 0 .45rem; border-radius: 999px;
          border: 1px solid var(--line); font-size: .8rem; background: var(--panel); }
        table.actions caption { text-align: left; font-weight: 600; padding: .5rem 0; }
        .scrim { position: fixed; inset: 0; background: rgba(0, 0, 0, .25); }
        .flyout { position: fixed; top: 0; right: 0; bottom: 0; width: min(40rem, 100%); overflow-y: auto; background: var(--bg);
          border-left: 1px solid var(--line); padding: 1rem 1.25rem 2rem; box-shadow: -4px 0 16px rgba(0, 0, 0, .2); }
        .flyout .close { float: right; }
        .big-points { font-size: 1.4rem; font-weight: 700; margin: .25rem 0; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
        .facts dt { color: var(--muted); }
        .facts dd { margin: 0; }
        .locked { background: var(--panel); border-left: 4px solid var(--muted); padding: .5rem .75rem; }
        .ok { background: var(--ok-bg); color: var(--ok-fg); padding: .75rem; border-radius: 6px; }
        tr.missing td, tr.failed td { color: var(--error-fg); }
        .health.healthy { color: var(--good); } .health.failing, .health.stale { color: var(--bad); font-weight: 600; }
        .health.pending { color: var(--okay); } dd.error { padding: .25rem .5rem; }
        .status-form button:disabled, select:disabled, textarea:disabled, input:disabled { opacity: .6; cursor: not-allowed; }
        form.row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
        form.row label { margin: 0; }
        form.row button { margin: 0; }
        fieldset { border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; }
        tr.current th, tr.current td { font-weight: 700; }
        table.compact { width: auto; }
        table.history td { overflow-wrap: anywhere; } table.history td:first-child { white-space: nowrap; }
        .pager { margin: .5rem 0 1rem; }
        ol.top-actions li { margin: .25rem 0; }
        @media (max-width: 40rem) { main { padding: .75rem; } .card { margin: 1rem auto; }
          table { display: block; overflow-x: auto; } .flyout { width: 100%; } }
        @media print { .top nav, .skip, button, .filters, .switcher, .tabs, form, .scrim { display: none; }
          body { background: #fff; color: #000; } .flyout { position: static; box-shadow: none; width: auto; }
          details.data { display: block; } details.data > * { display: block; } }
        """
}
