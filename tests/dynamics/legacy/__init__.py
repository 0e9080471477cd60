"""The fossen3, mmg, nomoto1 and nomoto2 modules as they were before the kernel factory
(autoship/dynamics at commit c4768c4), kept verbatim as the oracle of test_factory_kernels.py and
as the baseline of benchmarks/bench_mmg.py. Not used by the package."""
