-- wrk script: every request asks for one box picked at random from a precomputed list.
--   wrk -t2 -c16 -d15s --latency -s bench/wrk_bbox.lua URL -- PATH_TEMPLATE BBOX_FILE
-- PATH_TEMPLATE holds "{bbox}" where "minlon,minlat,maxlon,maxlat" goes; BBOX_FILE has one
-- such box per line (bench/gen_data.py writes the list; every server gets the same list and,
-- thread by thread, the same pseudo-random sequence of boxes).
local threads = 0
local template, boxes = nil, {}

function setup(thread)
  threads = threads + 1
  thread:set("thread_no", threads)
end

function init(args)
  template = args[1]
  for line in io.lines(args[2]) do
    if #line > 0 then boxes[#boxes + 1] = line end
  end
  math.randomseed(1000 + (thread_no or 0))
end

function request()
  local box = boxes[math.random(#boxes)]
  return wrk.format("GET", (template:gsub("{bbox}", box)))
end
