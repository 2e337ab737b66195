import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module';
import { UnitsController } from './units.controller';
import { UnitsService } from './units.service';

@Module({
  imports: [RegionsModule],
  controllers: [UnitsController],
  providers: [UnitsService],
})
export class UnitsModule {}
