// A mock of Frida's Java bridge and native API, enough to run indicia-hooks.js's Android path in node and
// see the lines it prints (no device needed):
//
//   node tools/frida/mock-android.js tools/frida/indicia-hooks.js > tools/frida/mock-android.golden.jsonl
//
// The clock is frozen, so the output is the same on every run: `crates/indicia-extract/tests/frida_script.rs`
// compares it with mock-android.golden.jsonl. The mock device runs Android 10 (API 29): the methods added
// in API 30 and 33 are missing, as on such a device. The app lacks the ML Kit, GMS vision and advertising-id
// classes. Then the app, in this order:
//  1. reads the clipboard from its own code, on screen;
//  2. has Bugly (com.tencent.bugly) call getInstalledPackages, in the background;
//  3. reads the Settings$Secure "bluetooth_name" (not reported) and "android_id" (device_id_read);
//  4. runs `ls -l` (not reported) and `sh -c "pm list packages -3"` through ProcessBuilder;
//  5. asks getPackageInfo about itself (not reported), then about 11 other packages, the 10th twice: the
//     10th and the 11th are reported (PROBE_LIMIT); the 3rd is not installed and throws;
//  6. starts a MediaRecorder with an audio source (microphone_record) and one without (not reported);
//  7. from native code: popen("ls") (not reported), popen("pm list packages") and an AAudio input stream
//     (microphone_record), an AAudio output stream (not reported).
const fs = require('fs');

const lines = [];
global.console = { log: (s) => lines.push(s) };
const FROZEN = '2026-12-05T12:00:00.000Z';
Date.prototype.toISOString = () => FROZEN;

let stack = [];
let importance = 400;
const missingClasses = new Set([
  'com.google.mlkit.vision.face.internal.FaceDetectorImpl',
  'com.google.android.gms.vision.face.FaceDetector',
  'com.google.android.gms.ads.identifier.AdvertisingIdClient',
]);
// Added after API 29: absent on the mock device.
const missingMethods = new Set([
  'android.accessibilityservice.AccessibilityService.takeScreenshot',
  'android.location.LocationManager.getCurrentLocation',
  'android.telephony.SubscriptionManager.getPhoneNumber',
]);
const statics = {
  'android.os.Build$VERSION': { SDK_INT: { value: 29 } },
  'android.app.ActivityThread': { currentPackageName: () => 'com.example.shop' },
  'java.lang.System': { identityHashCode: (o) => o.id },
  'android.app.ActivityManager': { getMyMemoryState: () => {} },
  'android.app.ActivityManager$RunningAppProcessInfo': { $new: () => ({ importance: { value: importance } }) },
  'java.lang.Exception': { $new: () => ({ getStackTrace: () => stack.map((f) => ({ toString: () => f })) }) },
};

function makeMethod() {
  const ov = { apply: (self, args) => (self.original ? self.original(args) : null) };
  return { overloads: [ov], implementation: null };
}

const classes = {};
global.Java = {
  available: true,
  classFactory: { loader: null },
  perform: (f) => f(),
  use: (name) => {
    if (missingClasses.has(name)) throw new Error('ClassNotFoundException: ' + name);
    if (!classes[name]) {
      classes[name] = new Proxy({}, {
        get(t, prop) {
          if (statics[name] && prop in statics[name]) return statics[name][prop];
          if (typeof prop !== 'string' || missingMethods.has(name + '.' + prop)) return undefined;
          if (!(prop in t)) t[prop] = makeMethod();
          return t[prop];
        },
      });
    }
    return classes[name];
  },
};

// Native: each export is a named address; Interceptor.attach keeps its callbacks.
const attached = {};
global.Process = { pointerSize: 8 };
global.Module = {
  load: (lib) => ({ getExportByName: (sym) => lib + '!' + sym }),
};
global.Interceptor = { attach: (address, callbacks) => { attached[address] = callbacks; } };
global.NativeFunction = function (address) {
  if (address === 'libaaudio.so!AAudioStream_getDirection') return (stream) => stream.direction;
  throw new Error('no mock for ' + address);
};
global.Thread = { backtrace: () => ['0x7a1c2f3000', '0x7a1c2f4000'] };
global.Backtracer = { ACCURATE: 'accurate' };
global.DebugSymbol = { fromAddress: (a) => ({ toString: () => a + ' libnative-lib.so!Java_com_example_shop_Native_run' }) };

eval(fs.readFileSync(process.argv[2], 'utf8'));

function call(cls, method, self, args) {
  const impl = classes[cls][method].overloads[0].implementation;
  try {
    return impl.apply(self || {}, args || []);
  } catch (e) {
    return e;
  }
}

function native(address, args) {
  attached[address].onEnter.call({ context: {} }, args);
}

const cString = (s) => ({ readCString: () => s });
const appFrame = 'com.example.shop.ui.SearchActivity.onResume(SearchActivity.java:88)';

// Application.onCreate as the framework would call it.
const app = { getClassLoader: () => 'loader', getPackageName: () => 'com.example.shop', onCreate: () => {} };
classes['android.app.Application'].onCreate.implementation.call(app);
// 1.
importance = 100;
stack = ['android.content.ClipboardManager.getPrimaryClip(Native Method)', appFrame];
call('android.content.ClipboardManager', 'getPrimaryClip');
// 2.
importance = 400;
stack = ['android.app.ApplicationPackageManager.getInstalledPackages(Native Method)',
  'com.tencent.bugly.crashreport.common.info.AppInfo.b(BUGLY:214)'];
call('android.app.ApplicationPackageManager', 'getInstalledPackages', {}, [0]);
// 3.
stack = ['android.provider.Settings$Secure.getString(Native Method)', 'com.example.shop.Device.name(Device.kt:12)'];
call('android.provider.Settings$Secure', 'getString', {}, ['cr', 'bluetooth_name']);
call('android.provider.Settings$Secure', 'getString', {}, ['cr', 'android_id']);
// 4.
stack = ['java.lang.ProcessBuilder.start(Native Method)', 'java.lang.Runtime.exec(Runtime.java:694)',
  'com.example.shop.Shell.run(Shell.kt:9)'];
call('java.lang.ProcessBuilder', 'start', { command: () => '[ls, -l]' });
call('java.lang.ProcessBuilder', 'start', { command: () => '[sh, -c, pm list packages -3]' });
// 5.
stack = ['android.app.ApplicationPackageManager.getPackageInfo(Native Method)',
  'com.example.shop.Share.targets(Share.kt:30)'];
const pm = {
  original: (args) => {
    if (args[0] === 'com.example.app3') throw new Error('NameNotFoundException: com.example.app3');
    return null;
  },
};
call('android.app.ApplicationPackageManager', 'getPackageInfo', pm, ['com.example.shop', 0]);
for (let i = 1; i <= 10; i++) call('android.app.ApplicationPackageManager', 'getPackageInfo', pm, ['com.example.app' + i, 0]);
call('android.app.ApplicationPackageManager', 'getPackageInfo', pm, ['com.example.app10', 0]);
call('android.app.ApplicationPackageManager', 'getPackageInfo', pm, ['com.example.app11', 0]);
// 6.
stack = ['android.media.MediaRecorder.start(Native Method)', 'com.example.shop.Voice.record(Voice.kt:21)'];
call('android.media.MediaRecorder', 'setAudioSource', { id: 1 }, [1]);
call('android.media.MediaRecorder', 'start', { id: 1 });
call('android.media.MediaRecorder', 'start', { id: 2 });
// 7.
native('libc.so!popen', [cString('ls')]);
native('libc.so!popen', [cString('pm list packages')]);
native('libaaudio.so!AAudioStream_requestStart', [{ direction: 1 }]);
native('libaaudio.so!AAudioStream_requestStart', [{ direction: 0 }]);

process.stdout.write(lines.join('\n') + '\n');
