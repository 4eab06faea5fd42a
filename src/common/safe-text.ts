import { ValidateIf } from 'class-validator';

/**
 * Printable text: no control, format (zero-width, bidirectional overrides, tags), surrogate, private-use,
 * line- or paragraph-separator characters — they hide or reorder what a reader sees in a name.
 */
export const SAFE_LINE = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]*$/u;
/** Multi-line free text: as SAFE_LINE, but line feeds, carriage returns and tabs are allowed. */
export const SAFE_TEXT = /^(?:[\n\r\t]|[^\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}])*$/u;
export const SAFE_MESSAGE = { message: '$property contains control or invisible formatting characters' };

/**
 * Optional, but not nullable: absent is fine, `null` is validated (and refused) like any other wrong value.
 * (class-validator's @IsOptional skips validation for null as well.)
 */
export const IsOptionalNotNull = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);
