"""Meter readings: IEC MeterReadings in (fast lxml path), GetMeterReadings out, bulk storage.

- ``messages``: ``parse_meter_readings``, ``build_meter_readings``, ``build_get_meter_readings``.
- ``reading_types``: the IEC ReadingType codes used (15-minute kWh delivered, kW, register kWh).
- ``ingest``: ``ReadingsIngest`` (the ``readings.inbound`` sink, and direct ``ingest(bytes)``).
- ``reduction``: measured load reduction of devices and campaigns from stored readings.
"""
