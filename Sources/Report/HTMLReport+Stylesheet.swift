/// The page's stylesheet, inlined in its head.
extension Page {
    static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#212b32;background:#fff;\
        margin:0 auto;max-width:1100px;padding:16px 24px}
        h1{font-size:24px;margin:0 0 4px}
        h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #005eb8;padding-bottom:4px}
        h3{font-size:15px;margin:16px 0 6px}
        .meta{color:#4c6272;margin:2px 0}
        code{font-size:12px;background:#f0f4f5;padding:1px 4px;word-break:break-all}
        nav ul{list-style:none;padding:0;margin:10px 0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px}
        nav a{color:#005eb8}
        table{border-collapse:collapse;margin:8px 0;font-size:13px}
        th,td{border-bottom:1px solid #d8dde0;padding:3px 8px;text-align:left;vertical-align:top}
        th{background:#f0f4f5;font-weight:600}
        th .sub{display:block;font-weight:400;color:#4c6272;font-size:11px;max-width:14em}
        .num{text-align:right;font-variant-numeric:tabular-nums}
        tr.subtotal td{font-weight:600;background:#f7f9fa}
        tr.total td{font-weight:700;border-top:2px solid #425563}
        .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:8px 0}
        .tile{border:1px solid #d8dde0;border-left:4px solid #005eb8;padding:6px 10px}
        .tile dt{font-size:12px;color:#4c6272}
        .tile dd{margin:0;font-size:22px;font-weight:700;font-variant-numeric:tabular-nums}
        .caveat{background:#fff9e5;border-left:4px solid #ffb81c;padding:6px 10px;margin:8px 0}
        .disclosure{border-left:4px solid #005eb8;background:#f0f4f5;padding:6px 10px;margin:8px 0}
        .disclosure.unsuppressed{border-left-color:#d5281b;background:#fde8e6;font-weight:600}
        .na{color:#4c6272;font-style:italic}
        .more{color:#4c6272}
        svg.chart{display:block;max-width:100%;height:auto;margin:8px 0}
        svg.chart text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#212b32}
        @media print{nav{display:none}section{break-inside:avoid-page}}
        """
}
