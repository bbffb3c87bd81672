-- wrk script: POST /v1/customers with a new email each time (a registration is a real write).
local counter = 0
local thread_tag = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  local body = string.format(
    '{"email":"bench-%s-%d@example.com","password":"correct horse battery","displayName":"Bench"}',
    thread_tag, counter)
  return wrk.format("POST", "/v1/customers", {["Content-Type"] = "application/json"}, body)
end
