import { Module } from '@nestjs/common';
import { LiveVideoModule } from '../live-video/live-video.module';
import { CameraRecordingsController, PlaybackMediaController } from './playback.controller';
import { PlaybackService } from './playback.service';

@Module({
  imports: [LiveVideoModule],
  controllers: [CameraRecordingsController, PlaybackMediaController],
  providers: [PlaybackService],
})
export class PlaybackModule {}
