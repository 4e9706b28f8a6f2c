// The page's script (issue 8).
