/** The English words of file transfers (their rows, progress and problems), part of `en`. */
export const files = {
  region: 'File transfers',
  heading: 'Files',
  to: (name: string) => `To ${name}`,
  from: (name: string) => `From ${name}`,
  sending: (file: string) => `Sending ${file}`,
  receiving: (file: string) => `Receiving ${file}`,
  accept: (file: string) => `Accept ${file}`,
  decline: (file: string) => `Decline ${file}`,
  cancel: 'Cancel',
  cancelFile: (file: string) => `Cancel ${file}`,
  dismiss: 'Dismiss',
  dismissFile: (file: string) => `Dismiss ${file}`,
  waitingFor: (name: string) => `Waiting for ${name} to accept…`,
  offered: (name: string) => `${name} wants to send you this file.`,
  starting: 'Starting…',
  checking: 'Checking the file…',
  sent: (name: string) => `Sent to ${name}. They received it intact.`,
  received: 'Received and checked. It is in your downloads.',
  declined: (name: string) => `${name} declined the file.`,
  cancelledByPeer: (name: string) => `${name} cancelled the transfer.`,
  cancelledByYou: 'You cancelled the transfer.',
  damagedThere: (name: string) =>
    `The file arrived damaged at ${name}, so it was not saved. Try sending it again.`,
  damagedHere:
    'The file arrived damaged (its checksum did not match), so it was not saved. Ask for it again.',
  tooLargeSent: 'The transfer was stopped: more data was sent than announced.',
  tooLargeReceived:
    'The transfer was stopped: the sender sent more than the announced size. Nothing was saved.',
  broke: 'The transfer broke off. Check the connection and try again.',
  sendingNow: 'Sending',
  receivingNow: 'Receiving',
  paused: (name: string) => `Paused, waiting for ${name}…`,
  checkingSameFile: 'Checking that it is the same file…',
  chooseAgain: (file: string) => `Choose ${file} again`,
  chooseAgainAfterReload: (file: string, name: string) =>
    `You reloaded the page while sending this to ${name}. Choose ${file} again to continue.`,
  wrongFile: (file: string, size: string) =>
    `That was not ${file} (${size}). Choose the same file to continue.`,
  differentFile: (file: string, name: string) =>
    `That file differs from the one ${name} has been receiving. Choose the original ${file} to continue.`,
  estimating: 'estimating…',
  lessThanASecond: 'less than a second left',
  timeLeft: (duration: string) => `${duration} left`,
};
