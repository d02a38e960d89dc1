// exec:exec ran the quick start as a named module on the module path
def log = new File(basedir, 'build.log').text
def exec = log.indexOf(':exec (default-cli) @ quickstart-modular')
assert exec >= 0 : 'exec:exec did not run'
assert log.indexOf('guide/intro.md:1: Hello, getUserName!', exec) > exec : 'the module-path run printed no hit'
return true
