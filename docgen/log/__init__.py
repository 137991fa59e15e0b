"""The coaching log: sessions summarised per team and coach, and written as a workbook."""
