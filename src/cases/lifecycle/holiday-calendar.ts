import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { DEFAULT_HOLIDAYS } from './deadlines';

/** Public holidays excluded from working-day deadlines: PUBLIC_HOLIDAYS if configured, else the defaults. */
@Injectable()
export class HolidayCalendar {
  readonly days: ReadonlySet<string>;

  constructor(config: AppConfig) {
    const configured = config.PUBLIC_HOLIDAYS?.split(',').map((d) => d.trim()).filter(Boolean);
    this.days = new Set(configured?.length ? configured : DEFAULT_HOLIDAYS);
  }
}
