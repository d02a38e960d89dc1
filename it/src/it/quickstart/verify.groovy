// exec:exec ran the Chronicle quick start in a JVM of its own, with the README's options
def log = new File(basedir, 'build.log').text
def exec = log.indexOf(':exec (default-cli) @ quickstart')
assert exec >= 0 : 'exec:exec did not run'
assert log.indexOf('guide/intro.md:1: Hello, getUserName!', exec) > exec : 'the exec run printed no hit'
assert log.contains('Tests run: 2, Failures: 0, Errors: 0, Skipped: 0') : 'QuickStartTest did not run both tests'
return true
