// OwnedProcess lives in the shared test support package, beside the network lab that spawns it.
export { OwnedProcess } from '@app/testbed';
