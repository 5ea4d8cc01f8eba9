// A mock of Frida's ObjC bridge and native API, enough to run indicia-hooks.js's iOS path in node:
//
//   node tools/frida/mock-ios.js tools/frida/indicia-hooks.js > tools/frida/mock-ios.golden.jsonl
//
// The clock is frozen (see mock-android.js). The mock system lacks the class DCDevice (as if DeviceCheck
// were missing), so that hook fails and device_id_read is not watched. Then the app com.example.maps, on
// screen:
//  1. reads UIPasteboard.string;
//  2. calls canOpenURL: with 11 distinct URL schemes, the 10th twice: the 10th and 11th are reported;
//  3. creates an AVCaptureDeviceInput with -initWithDevice:error: for the camera (camera_open) and with
//     +deviceInputWithDevice:error: for the microphone (microphone_record);
//  4. runs a VNDetectFaceRectanglesRequest and a VNDetectTextRectanglesRequest (only the first is
//     reported), and makes a CIDetector of type CIDetectorTypeFace (face_capture);
//  5. calls AudioQueueNewInput from native code (microphone_record).
const fs = require('fs');

const lines = [];
global.console = { log: (s) => lines.push(s) };
Date.prototype.toISOString = () => '2026-12-05T12:00:00.000Z';

const missingClasses = new Set(['DCDevice']);
const attached = {};
const special = {
  UIApplication: { sharedApplication: () => ({ applicationState: () => 0 }) },
  NSBundle: { mainBundle: () => ({ bundleIdentifier: () => 'com.example.maps' }) },
};
const classes = new Proxy({}, {
  get(t, name) {
    if (typeof name !== 'string' || missingClasses.has(name)) return undefined;
    if (!(name in t)) {
      t[name] = new Proxy({}, {
        get(c, sel) {
          if (special[name] && sel in special[name]) return special[name][sel];
          return { implementation: name + ' ' + String(sel) };
        },
      });
    }
    return t[name];
  },
});
global.ObjC = {
  available: true,
  classes,
  selector: (s) => s,
  Object: function (handle) { return handle; },
};
global.Process = { pointerSize: 8 };
global.Module = { load: (lib) => ({ getExportByName: (sym) => lib.split('/').pop() + '!' + sym }) };
global.Interceptor = { attach: (address, callbacks) => { attached[address] = callbacks; } };
global.Thread = { backtrace: () => ['0x1021a4f3c'] };
global.Backtracer = { ACCURATE: 'accurate' };
global.DebugSymbol = { fromAddress: (a) => ({ toString: () => a + ' Maps!-[MPSearchViewController viewDidAppear:]' }) };

eval(fs.readFileSync(process.argv[2], 'utf8'));

// An Objective-C call: args[0] is self, args[1] the selector, then the arguments.
function send(address, self, rest) {
  attached[address].onEnter.call({ context: {} }, [self, address].concat(rest));
}
const device = (type) => ({ hasMediaType_: (t) => t === type });
const requests = (names) => ({ count: () => names.length, objectAtIndex_: (i) => ({ $className: names[i] }) });
const text = (s) => ({ toString: () => s });

// 1.
send('UIPasteboard - string', {}, []);
// 2.
for (let i = 1; i <= 10; i++) send('UIApplication - canOpenURL:', {}, [{ scheme: () => text('app' + i) }]);
send('UIApplication - canOpenURL:', {}, [{ scheme: () => text('app10') }]);
send('UIApplication - canOpenURL:', {}, [{ scheme: () => text('app11') }]);
// 3.
send('AVCaptureDeviceInput - initWithDevice:error:', {}, [device('vide'), null]);
send('AVCaptureDeviceInput + deviceInputWithDevice:error:', {}, [device('soun'), null]);
// 4.
send('VNImageRequestHandler - performRequests:error:', {}, [requests(['VNDetectFaceRectanglesRequest']), null]);
send('VNImageRequestHandler - performRequests:error:', {}, [requests(['VNDetectTextRectanglesRequest']), null]);
send('CIDetector + detectorOfType:context:options:', {}, [text('CIDetectorTypeFace'), null, null]);
// 5.
attached['AudioToolbox!AudioQueueNewInput'].onEnter.call({ context: {} }, []);

process.stdout.write(lines.join('\n') + '\n');
