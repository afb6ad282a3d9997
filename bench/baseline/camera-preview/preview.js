// The floor for "landing → camera preview": a page with one button that opens the camera
// at the app's default resolution and shows it. Nothing else to download or run.
const video = document.getElementById('preview');
document.getElementById('open').addEventListener('click', async () => {
  video.srcObject = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 1280 }, height: { ideal: 720 } },
    audio: true,
  });
});
