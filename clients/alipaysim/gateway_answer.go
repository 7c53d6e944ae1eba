package alipaysim

import (
	"net/http"
	"slices"
	"strconv"
)

// apiDef is one gateway method: who may call it and what it does.
type apiDef struct {
	products []Product
	handle   func(s *Server, c *gwCall) ([]byte, *apiError)
	// unsigned: alipay.open.app.alipaycert.download, whose answer is neither signed nor
	// encrypted (§1.7).
	unsigned bool
}

// gatewayAPIs are the methods the Reach adapters call (§2). Any other method is
// 40002 isv.invalid-method.
var gatewayAPIs map[string]*apiDef

func init() {
	gateway := []Product{LifeAccount, MiniProgram}
	gatewayAPIs = map[string]*apiDef{
		"alipay.open.public.message.single.send":          {products: []Product{LifeAccount}, handle: (*Server).lifeSend},
		"alipay.open.public.template.message.add":         {products: []Product{LifeAccount}, handle: (*Server).lifeClaim},
		"alipay.open.public.info.query":                   {products: []Product{LifeAccount}, handle: (*Server).lifeInfo},
		"alipay.open.app.mini.templatemessage.send":       {products: []Product{MiniProgram}, handle: (*Server).miniSend},
		"alipay.open.app.messagetemplate.subscribe.query": {products: []Product{MiniProgram}, handle: (*Server).miniQuery},
		"alipay.open.mini.baseinfo.query":                 {products: []Product{MiniProgram}, handle: (*Server).miniInfo},
		"alipay.open.app.alipaycert.download":             {products: gateway, handle: (*Server).certDownload, unsigned: true},
	}
}

// process runs the authenticated call: AES (§1.8), the product permission, the API.
// Its failures are signed answers under the method's key.
func (s *Server) process(c *gwCall) ([]byte, *apiError) {
	biz := c.params["biz_content"]
	switch et := c.params["encrypt_type"]; {
	case et != "" && et != "AES":
		return nil, gwErr("40002", "isv.invalid-encrypt-type", "无效的加密类型: only AES is supported")
	case et != "" && c.app.aes == nil:
		return nil, gwErr("40001", "isv.missing-encrypt-key", "缺少加密配置: the app has no AES key")
	case et != "" && biz != "":
		plain, err := aesDecrypt(c.app.aes, biz)
		if err != nil {
			return nil, gwErr("40002", "isv.decryption-error", "解密出错: "+err.Error())
		}
		c.biz, c.encrypted = plain, true
	case et != "":
		c.encrypted = true
	case c.app.encryptRequired && c.method != "alipay.open.app.alipaycert.download":
		// The certificate download is never encrypted (§1.7), even for apps that require AES.
		return nil, gwErr("40001", "isv.missing-encrypt-key", "缺少加密配置: this app requires encrypt_type=AES")
	default:
		c.biz = []byte(biz)
	}
	if !slices.Contains(c.api.products, c.app.product) {
		return nil, gwErr("40006", "isv.insufficient-isv-permissions", "ISV权限不足: "+string(c.app.product)+" apps cannot call "+c.method)
	}
	return c.api.handle(s, c)
}

// writeGateway writes {"<key>":<content>[,"alipay_cert_sn":"…"][,"sign":"…"]} (§1.5).
// The signature covers content exactly as written; when the request was encrypted the
// content is the quoted base64 ciphertext and the signature includes the quotes (§1.6).
func (s *Server) writeGateway(w http.ResponseWriter, c *gwCall, content []byte, signed bool) {
	var certSN, sig string
	if signed {
		if c.encrypted {
			content = strconv.AppendQuote(nil, aesEncrypt(c.app.aes, content))
		}
		var sg *signer
		sg, certSN = s.answerSigner(c.app)
		sig = sg.sign(content)
	}
	body := make([]byte, 0, len(content)+len(c.key)+len(certSN)+len(sig)+48)
	body = append(body, `{"`...)
	body = append(body, c.key...)
	body = append(body, `":`...)
	body = append(body, content...)
	if certSN != "" {
		body = append(body, `,"alipay_cert_sn":"`...)
		body = append(body, certSN...)
		body = append(body, '"')
	}
	if sig != "" {
		body = append(body, `,"sign":"`...)
		body = append(body, sig...)
		body = append(body, '"')
	}
	body = append(body, '}')
	// Alipay's gateway answers JSON as text/html; clients must not depend on the type.
	w.Header().Set("Content-Type", "text/html;charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}
