"""The judge of the graded exercises: it runs a submission's code in a sandbox and decides in its own process.

Nothing here is installed with ``dropout_lib`` or released to students.
"""
