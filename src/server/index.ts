export { startJunction, type Junction, type StartOptions } from './junction';
