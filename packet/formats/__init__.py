"""One module per input format. Each recognizes its files by their bytes and reads them for
`check`: the record formats (`pdf`, `image`, `text`, `dicom`) fill in a `FileReading`
(pages, text, problems); the formats packet renders as text (`word`, `ccda`) and the
containers (`mail`; zip archives in `packet.unpack`) become files of their own. `reading.py`
only sniffs and dispatches; adding a format is adding a module here.
"""
