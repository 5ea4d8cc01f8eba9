/*
 * indicia-hooks.js: hooks the platform APIs behind the built-in pack's behaviors and prints one JSON line
 * per call, for `indicia extract --frida-log LOG` (format: docs/extract.md, "Frida hooks").
 *
 *   frida -U -f com.example.app -l tools/frida/indicia-hooks.js -o hooks.jsonl      # Android or iOS
 *
 * Lines:
 *   {"indicia":1,"type":"hooks","platform":"android","app":"com.example.app","watched":[…],"failed":[…]}
 *   {"indicia":1,"type":"call","behavior":"clipboard_read","api":"android.content.ClipboardManager.getPrimaryClip",
 *    "state":"foreground","stack":["com.example.Foo.bar(Foo.java:12)",…],"time":"2026-12-05T21:14:05.101Z"}
 *
 * A behavior is listed in `watched` only when every hook for it was installed (a class that the app does
 * not contain counts as installed: the app cannot call it). The `hooks` line is printed once the app's
 * own classes can be loaded (Android: after Application.onCreate begins), and again if a later attempt
 * installs more.
 *
 * Licence: Apache-2.0 OR MIT, as the rest of indicia.
 */
'use strict';

var STACK_DEPTH = 24;

function emit(obj) {
  obj.indicia = 1;
  console.log(JSON.stringify(obj));
}

function now() {
  return new Date().toISOString();
}

// ---- bookkeeping: which behaviors had all their hooks installed ------------------------------------

var plan = {};     // behavior -> { total: n, ok: n }
var failed = [];   // [{api, error}]

function planned(behavior) {
  if (!plan[behavior]) plan[behavior] = { total: 0, ok: 0 };
  return plan[behavior];
}

function installed(behavior) {
  planned(behavior).ok += 1;
}

function watchedList() {
  return Object.keys(plan).filter(function (b) {
    return plan[b].total > 0 && plan[b].ok === plan[b].total;
  }).sort();
}

function reportHooks(platform, app) {
  emit({ type: 'hooks', platform: platform, app: app, watched: watchedList(), failed: failed });
}

// ---- Android ----------------------------------------------------------------------------------------

function androidState() {
  try {
    var AM = Java.use('android.app.ActivityManager');
    var Info = Java.use('android.app.ActivityManager$RunningAppProcessInfo');
    var info = Info.$new();
    AM.getMyMemoryState(info);
    var importance = info.importance.value;
    if (importance <= 100) return 'foreground';           // IMPORTANCE_FOREGROUND
    if (importance <= 125) return 'foreground_service';   // IMPORTANCE_FOREGROUND_SERVICE
    if (importance <= 200) return 'foreground';           // IMPORTANCE_VISIBLE
    return 'background';
  } catch (e) {
    return null;
  }
}

function androidStack() {
  try {
    var Exception = Java.use('java.lang.Exception');
    var frames = Exception.$new().getStackTrace();
    var out = [];
    for (var i = 0; i < frames.length && out.length < STACK_DEPTH; i++) {
      out.push(frames[i].toString());
    }
    return out;
  } catch (e) {
    return [];
  }
}

function androidCall(behavior, api) {
  emit({ type: 'call', behavior: behavior, api: api, state: androidState(), stack: androidStack(), time: now() });
}

// Hooks every overload of CLASS.METHOD. `filter(args, self)` may return a behavior (or null to skip the
// call); without it every call is `behavior`. `optional`: a class missing from the app counts as installed.
function hookJava(behavior, className, method, opts) {
  opts = opts || {};
  var p = planned(behavior);
  p.total += 1;
  var api = className + '.' + method;
  var cls;
  try {
    cls = Java.use(className);
  } catch (e) {
    if (opts.optional) { installed(behavior); return; }
    failed.push({ api: api, error: String(e) });
    return;
  }
  try {
    var overloads = cls[method].overloads;
    overloads.forEach(function (ov) {
      ov.implementation = function () {
        var result = ov.apply(this, arguments);
        try {
          var b = opts.filter ? opts.filter(arguments, this, result) : behavior;
          if (b) androidCall(b, api);
        } catch (e) { /* never break the app */ }
        return result;
      };
    });
    installed(behavior);
  } catch (e) {
    failed.push({ api: api, error: String(e) });
  }
}

function uriBehavior(uri) {
  var s = String(uri);
  if (s.indexOf('content://com.android.contacts') === 0 || s.indexOf('content://contacts') === 0) return 'contacts_read';
  if (s.indexOf('content://sms') === 0 || s.indexOf('content://mms-sms') === 0) return 'sms_read';
  if (s.indexOf('content://call_log') === 0) return 'call_log_read';
  if (s.indexOf('content://media/') === 0 && s.indexOf('/images') > 0) return 'photos_read';
  if (s.indexOf('content://media/') === 0) return 'storage_read';
  return null;
}

function androidPlatformHooks() {
  hookJava('clipboard_read', 'android.content.ClipboardManager', 'getPrimaryClip');
  hookJava('clipboard_read', 'android.content.ClipboardManager', 'getText');

  hookJava('app_list_read', 'android.app.ApplicationPackageManager', 'getInstalledPackages');
  hookJava('app_list_read', 'android.app.ApplicationPackageManager', 'getInstalledApplications');

  hookJava('location_read', 'android.location.LocationManager', 'getLastKnownLocation');
  hookJava('location_read', 'android.location.LocationManager', 'requestLocationUpdates');
  hookJava('location_read', 'android.location.LocationManager', 'requestSingleUpdate');
  hookJava('location_read', 'android.location.Location', 'getLatitude');

  hookJava('contacts_read', 'android.content.ContentResolver', 'query', {
    filter: function (args) { return uriBehavior(args[0]); },
  });

  hookJava('device_id_read', 'android.telephony.TelephonyManager', 'getDeviceId');
  hookJava('device_id_read', 'android.telephony.TelephonyManager', 'getImei');
  hookJava('device_id_read', 'android.telephony.TelephonyManager', 'getMeid');
  hookJava('device_id_read', 'android.telephony.TelephonyManager', 'getSubscriberId');
  hookJava('device_id_read', 'android.telephony.TelephonyManager', 'getSimSerialNumber');
  hookJava('device_id_read', 'android.os.Build', 'getSerial');
  hookJava('device_id_read', 'android.net.wifi.WifiInfo', 'getMacAddress');
  hookJava('device_id_read', 'java.net.NetworkInterface', 'getHardwareAddress');
  hookJava('device_id_read', 'android.provider.Settings$Secure', 'getString', {
    filter: function (args) { return String(args[1]) === 'android_id' ? 'device_id_read' : null; },
  });

  hookJava('phone_number_read', 'android.telephony.TelephonyManager', 'getLine1Number');

  hookJava('screen_capture', 'android.media.projection.MediaProjectionManager', 'getMediaProjection');
  hookJava('screen_capture', 'android.media.projection.MediaProjection', 'createVirtualDisplay');

  hookJava('camera_open', 'android.hardware.Camera', 'open');
  hookJava('camera_open', 'android.hardware.camera2.CameraManager', 'openCamera');

  hookJava('microphone_record', 'android.media.AudioRecord', 'startRecording');

  hookJava('face_capture', 'android.media.FaceDetector', 'findFaces');
}

// SDK classes live in the app's own class loader: hooked once the app is starting.
function androidAppHooks() {
  hookJava('device_id_read', 'com.google.android.gms.ads.identifier.AdvertisingIdClient', 'getAdvertisingIdInfo', { optional: true });
  hookJava('face_capture', 'com.google.mlkit.vision.face.internal.FaceDetectorImpl', 'process', { optional: true });
  hookJava('face_capture', 'com.google.android.gms.vision.face.FaceDetector', 'detect', { optional: true });
}

function android() {
  Java.perform(function () {
    androidPlatformHooks();
    var app = null;
    try {
      var Application = Java.use('android.app.Application');
      var done = false;
      Application.onCreate.implementation = function () {
        if (!done) {
          done = true;
          try {
            Java.classFactory.loader = this.getClassLoader();
            app = String(this.getPackageName());
          } catch (e) { /* keep the default loader */ }
          androidAppHooks();
          reportHooks('android', app);
        }
        return this.onCreate();
      };
    } catch (e) {
      // Attached to a running app: its classes are loadable now.
      androidAppHooks();
      reportHooks('android', app);
    }
  });
}

// ---- iOS --------------------------------------------------------------------------------------------

function iosState() {
  try {
    var state = ObjC.classes.UIApplication.sharedApplication().applicationState();
    return state === 2 ? 'background' : 'foreground';     // UIApplicationStateBackground = 2
  } catch (e) {
    return null;
  }
}

function iosStack(context) {
  try {
    return Thread.backtrace(context, Backtracer.ACCURATE).slice(0, STACK_DEPTH).map(function (addr) {
      return DebugSymbol.fromAddress(addr).toString();
    });
  } catch (e) {
    return [];
  }
}

function hookObjC(behavior, className, selector, opts) {
  opts = opts || {};
  var p = planned(behavior);
  p.total += 1;
  var api = className + '.' + selector.replace(/^[-+] /, '');
  var cls = ObjC.classes[className];
  if (!cls) {
    if (opts.optional) { installed(behavior); return; }
    failed.push({ api: api, error: 'class not found' });
    return;
  }
  var method = cls[selector];
  if (!method) {
    failed.push({ api: api, error: 'method not found' });
    return;
  }
  try {
    Interceptor.attach(method.implementation, {
      onEnter: function (args) {
        try {
          var b = opts.filter ? opts.filter(args) : behavior;
          if (b) emit({ type: 'call', behavior: b, api: api, state: iosState(), stack: iosStack(this.context), time: now() });
        } catch (e) { /* never break the app */ }
      },
    });
    installed(behavior);
  } catch (e) {
    failed.push({ api: api, error: String(e) });
  }
}

function hasFaceRequest(requests) {
  var list = new ObjC.Object(requests);
  for (var i = 0; i < list.count(); i++) {
    var name = list.objectAtIndex_(i).$className;
    if (name.indexOf('VNDetectFace') === 0) return true;
  }
  return false;
}

function ios() {
  ['- string', '- strings', '- items', '- URL', '- image', '- dataForPasteboardType:', '- valueForPasteboardType:']
    .forEach(function (sel) { hookObjC('clipboard_read', 'UIPasteboard', sel); });

  ['- startUpdatingLocation', '- requestLocation', '- startMonitoringSignificantLocationChanges', '- location']
    .forEach(function (sel) { hookObjC('location_read', 'CLLocationManager', sel); });

  ['- enumerateContactsWithFetchRequest:error:usingBlock:', '- unifiedContactsMatchingPredicate:keysToFetch:error:',
   '- unifiedMeContactWithKeysToFetch:error:']
    .forEach(function (sel) { hookObjC('contacts_read', 'CNContactStore', sel, { optional: true }); });

  hookObjC('device_id_read', 'UIDevice', '- identifierForVendor');
  hookObjC('device_id_read', 'ASIdentifierManager', '- advertisingIdentifier', { optional: true });

  hookObjC('screen_capture', 'RPScreenRecorder', '- startCaptureWithHandler:completionHandler:', { optional: true });
  hookObjC('screen_capture', 'RPScreenRecorder', '- startRecordingWithHandler:', { optional: true });

  hookObjC('camera_open', 'AVCaptureDeviceInput', '+ deviceInputWithDevice:error:', {
    filter: function (args) {
      var device = new ObjC.Object(args[2]);
      if (device.hasMediaType_('vide')) return 'camera_open';
      if (device.hasMediaType_('soun')) return 'microphone_record';
      return null;
    },
  });
  hookObjC('microphone_record', 'AVAudioRecorder', '- record', { optional: true });

  hookObjC('face_capture', 'VNImageRequestHandler', '- performRequests:error:', {
    optional: true,
    filter: function (args) { return hasFaceRequest(args[2]) ? 'face_capture' : null; },
  });
  hookObjC('face_capture', 'VNSequenceRequestHandler', '- performRequests:onCVPixelBuffer:error:', {
    optional: true,
    filter: function (args) { return hasFaceRequest(args[2]) ? 'face_capture' : null; },
  });

  hookObjC('app_list_read', 'LSApplicationWorkspace', '- allInstalledApplications', { optional: true });
  hookObjC('app_list_read', 'LSApplicationWorkspace', '- allApplications', { optional: true });

  var app = null;
  try { app = String(ObjC.classes.NSBundle.mainBundle().bundleIdentifier()); } catch (e) { /* unknown */ }
  reportHooks('ios', app);
}

if (typeof Java !== 'undefined' && Java.available) {
  android();
} else if (typeof ObjC !== 'undefined' && ObjC.available) {
  ios();
} else {
  emit({ type: 'hooks', platform: null, app: null, watched: [], failed: [{ api: '*', error: 'neither Java nor ObjC is available' }] });
}
