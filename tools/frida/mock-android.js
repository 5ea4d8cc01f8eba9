// A mock of Frida's Java bridge, enough to run indicia-hooks.js's Android path in node and see the lines
// it prints (no device needed): `node tools/frida/mock-android.js tools/frida/indicia-hooks.js`.
// The mock app lacks the ML Kit and GMS vision classes, calls getInstalledPackages from a Bugly frame, and
// reads Settings$Secure "bluetooth_name" (not reported) and "android_id" (device_id_read).
const fs = require('fs');
const lines = [];
global.console = { log: (s) => lines.push(s) };
function makeMethod(cls, name) {
  const calls = [];
  const ov = { apply: function (self, args) { return 'ret:' + cls + '.' + name; } };
  const m = { overloads: [ov], implementation: null, _ov: ov };
  return m;
}
const classes = {};
const missing = new Set(['com.google.mlkit.vision.face.internal.FaceDetectorImpl', 'com.google.android.gms.vision.face.FaceDetector']);
global.Java = {
  available: true,
  classFactory: { loader: null },
  perform: (f) => f(),
  use: (name) => {
    if (missing.has(name)) throw new Error('ClassNotFoundException: ' + name);
    if (!classes[name]) {
      classes[name] = new Proxy({}, {
        get(t, prop) {
          if (prop === '$new') return () => (name === 'java.lang.Exception'
            ? { getStackTrace: () => [{ toString: () => 'android.app.ApplicationPackageManager.getInstalledPackages(Native Method)' }, { toString: () => 'com.tencent.bugly.crashreport.common.info.AppInfo.b(BUGLY:214)' }] }
            : { importance: { value: 400 } });
          if (prop === 'getMyMemoryState') return (info) => {};
          if (!(prop in t)) t[prop] = makeMethod(name, prop);
          return t[prop];
        },
      });
    }
    return classes[name];
  },
};
eval(fs.readFileSync(process.argv[2], 'utf8'));
// Application.onCreate as the framework would call it.
const app = { getClassLoader: () => 'loader', getPackageName: () => 'com.example.shop', onCreate: () => {} };
classes['android.app.Application'].onCreate.implementation.call(app);
// The app calls getInstalledPackages and Settings$Secure.getString(cr, "bluetooth_name").
const gip = classes['android.app.ApplicationPackageManager'].getInstalledPackages;
gip.overloads[0].implementation.call({}, 0);
const gs = classes['android.provider.Settings$Secure'].getString;
gs.overloads[0].implementation.call({}, 'cr', 'bluetooth_name');
gs.overloads[0].implementation.call({}, 'cr', 'android_id');
process.stdout.write(lines.join('\n') + '\n');
