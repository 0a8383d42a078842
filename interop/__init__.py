"""The interop matrix: real open-source EMV / national-profile QR libraries certified side by side.

`adapters/` holds one thin adapter per library (each in its own node_modules or virtualenv),
`install` installs and locks them, `matrix` certifies them all and writes `matrix.json`, and
`site` renders that as a static site. See docs/interop.md.
"""
