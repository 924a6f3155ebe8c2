"""Hardware guide of the gas_stove integration: FFD loop calculator and diagrams.

Not part of the Home Assistant integration itself; nothing here is imported
by ``custom_components/gas_stove``.
"""
