/** The cameras and microphones a person can pick from. */

export interface DeviceOption {
  deviceId: string;
  label: string;
}

/**
 * Labels are empty until the site has camera/microphone permission; then browsers give
 * real names. Before that we number them so the select still reads sensibly.
 */
export function toDeviceOptions(devices: MediaDeviceInfo[], kind: MediaDeviceKind): DeviceOption[] {
  const noun = kind === 'videoinput' ? 'Camera' : 'Microphone';
  return devices
    .filter((d) => d.kind === kind && d.deviceId !== '')
    .map((d, index) => ({ deviceId: d.deviceId, label: d.label || `${noun} ${index + 1}` }));
}
