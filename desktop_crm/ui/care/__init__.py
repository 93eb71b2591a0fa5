"""The care calendar tab (关怀日历) and the agenda widgets the Today tab shares."""
