export * from './blind-index';
export * from './data-keys';
export * from './field-cipher';
export * from './key-material';
export * from './keyring.service';
export * from './key-rotation';
