#!/usr/bin/env bash
# Regenerates the demo lecture clips in ../media/videos. Needs ffmpeg with libx264 and a CJK font
# (Debian: apt-get install ffmpeg fonts-wqy-microhei). CI has neither, so the output is committed;
# after a change, update the chapters' durationSeconds in ../manifest.json from the printed durations.
#
# Why these settings: WeChat's inline player (iOS WKWebView, Android XWeb/X5) plays H.264
# baseline/main + yuv420p + AAC-LC reliably; +faststart puts the moov box first so playback and
# range-request seeking start before the whole file arrives. Tiny size keeps the repository small:
# a mostly static slide with a running clock (handy when testing resume and anti-seek) costs little.
set -euo pipefail
cd "$(dirname "$0")/../media/videos"
FONT="${FONT:-/usr/share/fonts/truetype/wqy/wqy-microhei.ttc}"

clip() { # name seconds background accent tone-Hz label
  local name=$1 secs=$2 bg=$3 accent=$4 hz=$5 label=$6
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "color=c=${bg}:s=480x270:r=15:d=${secs}" \
    -f lavfi -i "sine=frequency=${hz}:beep_factor=4:sample_rate=44100:duration=${secs}" \
    -filter_complex "[0:v]drawbox=x=0:y=0:w=iw:h=44:color=${accent}@1:t=fill,\
drawtext=fontfile=${FONT}:text='重庆市专技人员继续教育 · 演示课程':fontcolor=white:fontsize=18:x=16:y=13,\
drawtext=fontfile=${FONT}:text='${label}':fontcolor=white:fontsize=30:x=(w-text_w)/2:y=96,\
drawtext=fontfile=${FONT}:text='样片（仅供开发与测试）':fontcolor=white@0.8:fontsize=16:x=(w-text_w)/2:y=144,\
drawbox=x=40:y=212:w=400:h=6:color=white@0.3:t=fill,\
drawbox=x=40:y=212:w='400*t/${secs}':h=6:color=${accent}@1:t=fill,\
drawtext=fontfile=${FONT}:text='%{pts\:hms}':fontcolor=white:fontsize=16:x=40:y=228[v];\
[1:a]volume=0.2[a]" \
    -map "[v]" -map "[a]" \
    -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -preset veryslow -crf 32 \
    -maxrate 120k -bufsize 240k -g 150 \
    -c:a aac -b:a 24k -ac 1 -ar 44100 \
    -movflags +faststart "${name}.mp4"
  printf '%s.mp4 %s bytes, %s s\n' "$name" "$(stat -c %s "${name}.mp4")" \
    "$(ffprobe -v error -show_entries format=duration -of csv=p=0 "${name}.mp4")"
}

clip lecture-a 24 '#1d4e89' '#e8a33d' 440 '示例讲座片段 A'
clip lecture-b 30 '#2f6b3a' '#d9534f' 523 '示例讲座片段 B'
clip lecture-c 36 '#5b3a8c' '#3aa0c8' 587 '示例讲座片段 C'
clip lecture-d 40 '#7a2e2e' '#4caf50' 659 '示例讲座片段 D'
