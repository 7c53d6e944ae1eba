package subscribe

// Callback objects as documented for my.requestSubscribeMessage (the success
// and fail examples of the subscription-message guide), shared with the fuzz
// seeds.
const (
	exampleAccept = `{
  "success": true,
  "stat": "ok",
  "behavior": "subscribe",
  "result": {
    "subscribeEntityIds": ["cbc3487d54a648e0b38e334b2b047dd3"],
    "subscribedEntityIds": ["cbc3487d54a648e0b38e334b2b047dd3"],
    "unsubscribedEntityIds": [],
    "currentSubscribedEntityIds": ["cbc3487d54a648e0b38e334b2b047dd3"]
  },
  "show": true,
  "keep": false,
  "refuse": false,
  "cbc3487d54a648e0b38e334b2b047dd3": "accept"
}`

	exampleCancel = `{
  "success": false,
  "stat": "ok",
  "behavior": "cancel",
  "result": {
    "entityList": ["cbc3487d54a648e0b38e334b2b047dd3"],
    "subscribedEntityIds": [],
    "unsubscribedEntityIds": ["cbc3487d54a648e0b38e334b2b047dd3"],
    "currentSubscribedEntityIds": []
  },
  "show": true,
  "keep": true,
  "refuse": false,
  "error": 11,
  "errorCode": 11,
  "errorMessage": "用户取消订阅",
  "cbc3487d54a648e0b38e334b2b047dd3": "accept"
}`

	// One accepted, one rejected; an earlier long-term subscription (T_OLD)
	// shows up only in the final subscribedEntityIds.
	exampleMixed = `{"behavior":"subscribe","show":true,"keep":false,"refuse":false,
  "result":{"subscribeEntityIds":["T_A"],"subscribedEntityIds":["T_OLD","T_A"],
    "unsubscribedEntityIds":["T_B"],"currentSubscribedEntityIds":["T_A"]},
  "T_A":"accept","T_B":"reject"}`

	// Silent subscription: no panel; the per-template keys repeat an old
	// decision while result says nothing new was subscribed.
	exampleSilent = `{"behavior":"subscribe","show":false,"keep":true,
  "result":{"subscribeEntityIds":[],"subscribedEntityIds":["T_A"],"unsubscribedEntityIds":[],"currentSubscribedEntityIds":[]},
  "T_A":"accept"}`

	exampleFailure = `{"behavior":"","errorCode":106008,"errorMessage":"模板不存在"}`
)
