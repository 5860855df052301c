"""Real provincial reports: what one may contain (kinds), reading a cell (cells) and a file (parse), the archive of
loaded files that every rebuild replays (archive), loading files into the warehouse (load), and the Excel template
provinces fill in (template)."""
