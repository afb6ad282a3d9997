/** Stand-ins for tests of code built on the client (a UI's adapters): no browser APIs needed. */
export { ManualClock } from './testing/ManualClock.ts';
export { FakePeerConnection } from './rtc/testing/FakePeerConnection.ts';
export { FakeSocket } from './signaling/testing/FakeSocket.ts';
export { FakeMediaStream, subscribeOfferSdp } from './rtc/testing/FakeMediaStream.ts';
