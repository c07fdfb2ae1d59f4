<?php
/*
 * Drive PHP's SoapClient (Debian php-cli, php-soap, php-xml, php-curl)
 * against a running fuelgate, the way FuelSDK-PHP 1.4.0 drives it, plus a
 * plain UsernameToken call as a PHP user writes it.
 *
 * Run by compat_test.go (go test ./compat/...). The Go test starts the
 * server, provisions it with the CLI and passes the FUELGATE_* variables
 * listed in zeep_client.py and suds_client.py.
 *
 * FuelSDK-PHP itself is not installed (composer packages are not reachable
 * here). The class FuelClient below repeats, call for call, what its
 * src/ET_Client.php, ET_Util.php, ET_Get/Post/Patch/Delete.php do with
 * SoapClient, DOM and curl (method names as in ET_Client):
 *
 *   - CreateWSDL/GetLastModifiedDate (getWSDL = true): curl HEAD with
 *     CURLOPT_FILETIME; download the WSDL with file_get_contents into the
 *     LOCAL FILE xmlLoc ("ExactTargetWSDL.xml" in the working directory)
 *     unless that file exists and its mtime is not older than the server's
 *     Last-Modified; then SoapClient is built from the local file and
 *     pointed at the SOAP endpoint with __setLocation;
 *   - refreshTokenWithOAuth2 (POST <baseAuthUrl>/v2/token, endpoint =
 *     soap_instance_url."Service.asmx") and refreshToken (legacy: POST
 *     <baseAuthUrl>/v1/requestToken?legacy=1, endpoint from
 *     <baseUrl>/platform/v1/endpoints/soap);
 *   - __doRequest: the request is loaded into a DOMDocument; OAuth2 mode
 *     appends <fueloauth xmlns="http://exacttarget.com">; legacy mode adds a
 *     "*"/"*" UsernameToken with robrichards/wse-php 2.0.3
 *     (WSSESoap::addUserToken, repeated in wsse_add_user_token below) and
 *     <oAuth xmlns="http://exacttarget.com"><oAuthToken>; then curl POSTs it
 *     with Content-Type text/xml and the bare SOAPAction;
 *   - ET_Get/ET_Post/ET_Patch/ET_Delete: __soapCall with the
 *     RetrieveRequestMsg/CreateRequest/... arrays and SoapVar objects typed
 *     in the partner API namespace.
 *
 * Left out: what FuelSDK-PHP does that PHP 8 skips or only warns about
 * (property_exists($this, "sdl") is false for SoapClient's private
 * properties; undefined tenantTokens keys). One addition: PHP's WSDL cache
 * directory (soap.wsdl_cache_dir) is this run's temporary directory.
 *
 * One "PASS <name>" or "FAIL <name>: <reason>" line per check; exit status 1
 * if any check failed. Names must stay in step with compat_test.go.
 */

error_reporting(E_ALL);

$BASE = getenv('FUELGATE_URL');
$MID = (int) getenv('FUELGATE_MID');
$CLIENT_ID = getenv('FUELGATE_CLIENT_ID');
$CLIENT_SECRET = getenv('FUELGATE_CLIENT_SECRET');
$LEGACY_CLIENT_ID = getenv('FUELGATE_LEGACY_CLIENT_ID');
$LEGACY_CLIENT_SECRET = getenv('FUELGATE_LEGACY_CLIENT_SECRET');
$API_USER = getenv('FUELGATE_API_USER');
$API_PASSWORD = getenv('FUELGATE_API_PASSWORD');

const NS_PARTNER = 'http://exacttarget.com/wsdl/partnerAPI';
const WSSENS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSUNS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const WSUNAME = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
const SDK_VERSION = 'FuelSDK-PHP-v1.4.0'; // ET_Util::getSDKVersion

$failures = 0;

function check($name, $fn)
{
    global $failures;
    try {
        $fn();
        echo "PASS $name\n";
    } catch (Throwable $e) {
        $failures++;
        $msg = get_class($e) . ': ' . $e->getMessage();
        if ($e instanceof SoapFault) {
            $msg .= " (faultcode {$e->faultcode})";
        }
        echo "FAIL $name: " . str_replace("\n", ' | ', $msg) . "\n";
        if (getenv('CHECK_VERBOSE')) {
            echo $e->getTraceAsString(), "\n";
        }
    }
}

function expect($cond, $msg)
{
    if (!$cond) {
        throw new Exception($msg);
    }
}

// The envelope's Header, created first in the Envelope when missing, as
// both ET_Client::addOAuth and WSSESoap::locateSecurityHeader find it.
function soap_header(DOMDocument $doc)
{
    $envelope = $doc->documentElement;
    $xp = new DOMXPath($doc);
    $xp->registerNamespace('wssoap', $envelope->namespaceURI);
    $header = $xp->query('//wssoap:Envelope/wssoap:Header')->item(0);
    if (!$header) {
        $header = $doc->createElementNS($envelope->namespaceURI, $envelope->prefix . ':Header');
        $envelope->insertBefore($header, $envelope->firstChild);
    }
    return $header;
}

// WSSESoap::locateSecurityHeader + addUserToken (robrichards/wse-php 2.0.3,
// BSD licence, Copyright (c) 2007-2019 Robert Richards).
function wsse_add_user_token(DOMDocument $doc, $userName, $password = null, $passwordDigest = false)
{
    $soapNS = $doc->documentElement->namespaceURI;
    $soapPFX = $doc->documentElement->prefix;
    $header = soap_header($doc);
    $security = $doc->createElementNS(WSSENS, 'wsse:Security');
    $header->appendChild($security);
    $security->setAttributeNS($soapNS, $soapPFX . ':mustUnderstand', '1');

    $token = $doc->createElementNS(WSSENS, 'wsse:UsernameToken');
    $security->insertBefore($token, $security->firstChild);
    $username = $doc->createElementNS(WSSENS, 'wsse:Username');
    $username->appendChild($doc->createTextNode($userName));
    $token->appendChild($username);
    $nonce = random_bytes(32); // XMLSecurityKey(AES256_CBC)->generateSessionKey()
    $createdate = gmdate("Y-m-d\TH:i:s") . 'Z';
    if ($password) {
        $passType = WSUNAME . '#PasswordText';
        if ($passwordDigest) {
            $password = base64_encode(sha1($nonce . $createdate . $password, true));
            $passType = WSUNAME . '#PasswordDigest';
        }
        $passwordNode = $doc->createElementNS(WSSENS, 'wsse:Password');
        $token->appendChild($passwordNode);
        $passwordNode->appendChild($doc->createTextNode($password));
        $passwordNode->setAttribute('Type', $passType);
    }
    $token->appendChild($doc->createElementNS(WSSENS, 'wsse:Nonce', base64_encode($nonce)));
    $token->appendChild($doc->createElementNS(WSUNS, 'wsu:Created', $createdate));
}

// ET_Util::restPost / restGet.
function rest($method, $url, $content = null, $bearer = null)
{
    $ch = curl_init();
    $headers = array("User-Agent: " . SDK_VERSION);
    if ($method === 'POST') {
        array_unshift($headers, "Content-Type: application/json");
        curl_setopt($ch, CURLOPT_POSTFIELDS, $content);
    } else {
        curl_setopt($ch, CURLOPT_HTTPGET, true);
    }
    if ($bearer !== null) {
        $headers[] = "Authorization: Bearer " . $bearer;
    }
    curl_setopt($ch, CURLOPT_HTTPHEADER, $headers);
    curl_setopt($ch, CURLOPT_URL, $url);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false); // shouldVerifySslPeer(null)
    $r = new stdClass();
    $r->body = curl_exec($ch);
    $r->httpcode = curl_getinfo($ch, CURLINFO_HTTP_CODE);
    return $r;
}

class FuelClient extends SoapClient
{
    public $xmlLoc = 'ExactTargetWSDL.xml';
    public $lastContent; // the last request body sent, for the checks
    public $downloads = 0; // how often CreateWSDL fetched the WSDL
    private $wsdlLoc, $clientId, $clientSecret, $baseUrl, $baseAuthUrl, $baseSoapUrl, $useOAuth2Authentication,
        $accountId, $endpoint, $lastHTTPCode;
    private $authToken, $internalAuthToken, $authTokenExpiration;

    function __construct($getWSDL, $params)
    {
        $this->wsdlLoc = $params['defaultwsdl'];
        $this->clientId = $params['clientid'];
        $this->clientSecret = $params['clientsecret'];
        $this->baseUrl = $params['baseUrl'];
        $this->baseAuthUrl = $params['baseAuthUrl'];
        $this->useOAuth2Authentication = $params['useOAuth2Authentication'] ?? null;
        $this->accountId = $params['accountId'] ?? null;
        if ($getWSDL) {
            $this->CreateWSDL($this->wsdlLoc);
        }
        $this->refreshToken();
        if ($this->baseSoapUrl) {
            $this->endpoint = $this->baseSoapUrl;
        } else {
            // ET_CacheService is an in-process array: empty in a new process.
            $resp = rest('GET', $this->baseUrl . "/platform/v1/endpoints/soap", null, $this->authToken);
            $obj = json_decode($resp->body);
            $this->endpoint = ($obj && property_exists($obj, "url")) ? $obj->url : 'https://webservice.exacttarget.com/Service.asmx';
        }
        $context = stream_context_create(['ssl' => ['verify_peer' => false]]);
        parent::__construct($this->xmlLoc, array('stream_context' => $context));
        parent::__setLocation($this->endpoint);
    }

    function endpoint()
    {
        return $this->endpoint;
    }

    function setAuthToken($token)
    {
        $this->authToken = $this->internalAuthToken = $token;
    }

    function refreshToken($forceRefresh = false)
    {
        if ($this->useOAuth2Authentication === true) {
            $this->refreshTokenWithOAuth2($forceRefresh);
            return;
        }
        if (is_null($this->authToken) || $forceRefresh || $this->minutesLeft() < 5) {
            $req = new stdClass();
            $req->clientId = $this->clientId;
            $req->clientSecret = $this->clientSecret;
            $req->accessType = "offline";
            $resp = rest('POST', $this->baseAuthUrl . "/v1/requestToken?legacy=1", json_encode($req));
            $obj = json_decode($resp->body);
            if (!$obj || !property_exists($obj, "accessToken")) {
                throw new Exception('Unable to validate App Keys(ClientID/ClientSecret) provided, requestToken response:' . $resp->body);
            }
            $this->authToken = $obj->accessToken;
            $this->authTokenExpiration = (new DateTime())->add(new DateInterval('PT' . $obj->expiresIn . 'S'));
            $this->internalAuthToken = $obj->legacyToken;
        }
    }

    function refreshTokenWithOAuth2($forceRefresh = false)
    {
        if (is_null($this->authToken) || $forceRefresh || $this->minutesLeft() < 5) {
            $payload = new stdClass(); // createPayloadForOauth2, server application type
            $payload->client_id = $this->clientId;
            $payload->client_secret = $this->clientSecret;
            $payload->grant_type = 'client_credentials';
            if (!empty(trim((string) $this->accountId))) {
                $payload->account_id = $this->accountId;
            }
            $resp = rest('POST', $this->baseAuthUrl . "/v2/token", json_encode($payload));
            $obj = json_decode($resp->body);
            if (!$obj || !property_exists($obj, "access_token")) {
                throw new Exception('Unable to validate App Keys(ClientID/ClientSecret) provided, requestToken response:' . $resp->body);
            }
            $this->authToken = $obj->access_token;
            $this->authTokenExpiration = (new DateTime())->add(new DateInterval('PT' . $obj->expires_in . 'S'));
            $this->internalAuthToken = $obj->access_token;
            $this->baseUrl = $obj->rest_instance_url;
            $this->baseSoapUrl = $obj->soap_instance_url . "Service.asmx";
        }
    }

    // The minutes and hours of the difference, as FuelSDK-PHP computes them.
    private function minutesLeft()
    {
        if (is_null($this->authTokenExpiration)) {
            return 0;
        }
        $d = (new DateTime())->diff($this->authTokenExpiration);
        return (int) $d->format('%i') + 60 * (int) $d->format('%H');
    }

    function CreateWSDL($wsdlLoc)
    {
        $getNewWSDL = true;
        $remoteTS = $this->GetLastModifiedDate($wsdlLoc);
        if (file_exists($this->xmlLoc)) {
            $localTS = filemtime($this->xmlLoc);
            if ($remoteTS <= $localTS) {
                $getNewWSDL = false;
            }
        }
        if ($getNewWSDL) {
            $newWSDL = file_get_contents($wsdlLoc);
            file_put_contents($this->xmlLoc, $newWSDL);
            $this->downloads++;
        }
    }

    function GetLastModifiedDate($remotepath)
    {
        $curl = curl_init($remotepath);
        curl_setopt($curl, CURLOPT_SSL_VERIFYPEER, false);
        curl_setopt($curl, CURLOPT_NOBODY, true);
        curl_setopt($curl, CURLOPT_RETURNTRANSFER, true);
        curl_setopt($curl, CURLOPT_FILETIME, true);
        $result = curl_exec($curl);
        if ($result === false) {
            throw new Exception(curl_error($curl));
        }
        return curl_getinfo($curl, CURLINFO_FILETIME);
    }

    function __doRequest($request, $location, $saction, $version, $one_way = 0): ?string
    {
        $doc = new DOMDocument();
        $doc->loadXML($request);
        if ($this->useOAuth2Authentication === true) {
            $this->addOAuth($doc, $this->authToken);
            $content = $doc->saveXML();
        } else {
            wsse_add_user_token($doc, "*", "*", false);
            $this->addOAuth($doc, $this->internalAuthToken);
            $content = $doc->saveXML();
        }
        $this->lastContent = $content;
        $headers = array("Content-Type: text/xml", "SOAPAction: " . $saction, "User-Agent: " . SDK_VERSION);
        $ch = curl_init();
        curl_setopt($ch, CURLOPT_URL, $location);
        curl_setopt($ch, CURLOPT_HTTPHEADER, $headers);
        curl_setopt($ch, CURLOPT_POSTFIELDS, $content);
        curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
        curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);
        curl_setopt($ch, CURLOPT_USERAGENT, SDK_VERSION);
        $output = curl_exec($ch);
        $this->lastHTTPCode = curl_getinfo($ch, CURLINFO_HTTP_CODE);
        return $output;
    }

    function addOAuth($doc, $token)
    {
        $header = soap_header($doc);
        if ($this->useOAuth2Authentication === true) {
            $authnode = $doc->createElementNS('http://exacttarget.com', 'fueloauth', $token);
        } else {
            $authnode = $doc->createElementNS('http://exacttarget.com', 'oAuth');
            $authnode->appendChild($doc->createElementNS(null, 'oAuthToken', $token));
        }
        $header->appendChild($authnode);
    }

    function __getLastResponseHTTPCode()
    {
        return $this->lastHTTPCode;
    }
}

// ET_Get/ET_Post/ET_Patch/ET_Delete: the arrays they pass to __soapCall and
// the Results they read.
function results($return)
{
    if (!property_exists($return, "Results")) {
        return array();
    }
    return is_array($return->Results) ? $return->Results : array($return->Results);
}

function et_get($c, $objType, $props, $filter = null)
{
    $c->refreshToken();
    $retrieveRequest = array("Properties" => $props, "ObjectType" => $objType);
    if ($filter) {
        $retrieveRequest["Filter"] = new SoapVar($filter, SOAP_ENC_OBJECT, 'SimpleFilterPart', NS_PARTNER);
    }
    return $c->__soapCall("Retrieve", array("RetrieveRequestMsg" => array("RetrieveRequest" => $retrieveRequest)), null, null, $out_header);
}

function et_write($c, $op, $objType, $props)
{
    $c->refreshToken();
    $objects = array("Objects" => new SoapVar($props, SOAP_ENC_OBJECT, $objType, NS_PARTNER), "Options" => "");
    return $c->__soapCall($op, array($op . "Request" => $objects), null, null, $out_header);
}

function served($url)
{
    $body = file_get_contents($url);
    expect($body !== false, "GET $url failed");
    return $body;
}

$work = sys_get_temp_dir() . '/fuelgate-php-' . bin2hex(random_bytes(6));
mkdir($work);
register_shutdown_function(function () use ($work) {
    chdir('/');
    foreach (glob($work . '/{,.}*', GLOB_BRACE) as $f) {
        if (is_file($f)) {
            unlink($f);
        }
    }
    rmdir($work);
});
chdir($work); // xmlLoc, "ExactTargetWSDL.xml", is relative to the working directory
ini_set('soap.wsdl_cache_dir', $work);

echo "php ", PHP_VERSION, ", libxml ", LIBXML_DOTTED_VERSION, ", curl ", curl_version()['version'], ", server $BASE\n";

$wsdlURL = $BASE . '/etframework.wsdl';
$oauth2 = array('defaultwsdl' => $wsdlURL, 'clientid' => $CLIENT_ID, 'clientsecret' => $CLIENT_SECRET,
    'baseUrl' => $BASE, 'baseAuthUrl' => $BASE, 'useOAuth2Authentication' => true, 'accountId' => (string) $MID);
$state = array();

check("PHP FuelSDK getWSDL copies the WSDL and SoapClient loads the copy (absolute schema import)", function () use (&$state, $oauth2, $wsdlURL, $work, $BASE) {
    $c = new FuelClient(true, $oauth2);
    expect($c->downloads === 1, "downloads {$c->downloads}, want 1");
    expect(file_get_contents($c->xmlLoc) === served($wsdlURL), "the local copy differs from the served WSDL");
    expect(!file_exists($work . '/ETFrameworkFault.xsd'), "a schema file next to the copy");
    $types = implode("\n", $c->__getTypes());
    expect(strpos($types, "struct APIFault {") !== false, "APIFault (from the imported schema) not among the types");
    expect(in_array("RetrieveResponseMsg Retrieve(RetrieveRequestMsg \$parameters)", $c->__getFunctions()), "no Retrieve function");
    expect($c->endpoint() === $BASE . "/Service.asmx", "endpoint " . $c->endpoint());
    $state['client'] = $c;
});

check("PHP FuelSDK getWSDL refreshes by Last-Modified", function () use ($oauth2, $wsdlURL) {
    $copy = 'ExactTargetWSDL.xml';
    // A copy newer than Last-Modified is kept: HEAD only, no download.
    file_put_contents($copy, served($wsdlURL) . "<!-- kept -->");
    $c = new FuelClient(true, $oauth2);
    expect($c->downloads === 0 && substr(file_get_contents($copy), -13) === "<!-- kept -->", "a fresh copy was downloaded again");
    // A copy older than Last-Modified is fetched again.
    touch($copy, time() - 10 * 365 * 86400);
    clearstatcache();
    $c = new FuelClient(true, $oauth2);
    expect($c->downloads === 1 && file_get_contents($copy) === served($wsdlURL), "a stale copy was not refreshed");
    $lm = $c->GetLastModifiedDate($wsdlURL);
    expect($lm > 0 && $lm <= time(), "Last-Modified $lm");
});

if (!isset($state['client'])) {
    echo "FAIL: the WSDL did not load\n";
    exit(1);
}
$c = $state['client'];

check("PHP FuelSDK fueloauth Retrieve BusinessUnit", function () use ($c, $MID) {
    $r = et_get($c, "BusinessUnit", array("ID", "Name", "ParentID"));
    expect($r->OverallStatus === "OK", "OverallStatus " . $r->OverallStatus);
    $res = results($r);
    expect(count($res) === 1 && $res[0]->ID === $MID, "Results " . json_encode($res));
    expect($res[0]->Name === "Compat Enterprise", "Name " . $res[0]->Name);
    expect(strpos($c->lastContent, '<fueloauth xmlns="http://exacttarget.com">') !== false, "no fueloauth in " . $c->lastContent);
});

check("PHP FuelSDK fueloauth Create AccountUser", function () use ($c, $MID, &$state) {
    $login = "compat_php_" . (int) (microtime(true) * 1000);
    $r = et_write($c, "Create", "AccountUser", array("Client" => array("ID" => $MID), "UserID" => $login,
        "Name" => "PHP User", "Email" => "php@example.com", "Password" => "Php-Passw0rd!", "IsAPIUser" => true));
    $res = results($r);
    expect($r->OverallStatus === "OK" && $res[0]->StatusCode === "OK", "Create " . json_encode($r));
    $got = et_get($c, "AccountUser", array("ID", "UserID", "Name", "IsAPIUser"),
        array("Property" => "UserID", "SimpleOperator" => "equals", "Value" => $login));
    $u = results($got);
    expect(count($u) === 1 && $u[0]->Name === "PHP User" && $u[0]->IsAPIUser === true, "Retrieve " . json_encode($got));
    $state['user_id'] = $u[0]->ID;
});

check("PHP FuelSDK fueloauth Update and Delete AccountUser", function () use ($c, $MID, &$state) {
    expect(isset($state['user_id']), "no user created");
    $id = $state['user_id'];
    $r = et_write($c, "Update", "AccountUser", array("Client" => array("ID" => $MID), "ID" => $id, "Name" => "PHP Renamed"));
    expect($r->OverallStatus === "OK" && results($r)[0]->StatusCode === "OK", "Update " . json_encode($r));
    $r = et_write($c, "Delete", "AccountUser", array("Client" => array("ID" => $MID), "ID" => $id));
    expect($r->OverallStatus === "OK" && results($r)[0]->StatusCode === "OK", "Delete " . json_encode($r));
    $got = et_get($c, "AccountUser", array("ID", "Name", "ActiveFlag"),
        array("Property" => "ID", "SimpleOperator" => "equals", "Value" => (string) $id));
    $u = results($got)[0];
    expect($u->Name === "PHP Renamed" && $u->ActiveFlag === false, "after Update and Delete: " . json_encode($u));
});

check("PHP FuelSDK garbage token faults Login Failed", function () use ($oauth2) {
    $bad = new FuelClient(false, $oauth2);
    $bad->setAuthToken("garbage-token-0123456789");
    try {
        $r = et_get($bad, "BusinessUnit", array("ID"));
    } catch (SoapFault $f) {
        expect($f->faultstring === "Login Failed", "faultstring " . $f->faultstring);
        expect($f->faultcode === "q0:Security", "faultcode " . $f->faultcode);
        expect($bad->__getLastResponseHTTPCode() === 500, "HTTP " . $bad->__getLastResponseHTTPCode());
        return;
    }
    throw new Exception("no SoapFault; got " . json_encode($r));
});

check("PHP FuelSDK legacy mode (oAuth + */* UsernameToken) Retrieve", function () use ($wsdlURL, $BASE, $MID, $LEGACY_CLIENT_ID, $LEGACY_CLIENT_SECRET) {
    $lc = new FuelClient(true, array('defaultwsdl' => $wsdlURL, 'clientid' => $LEGACY_CLIENT_ID,
        'clientsecret' => $LEGACY_CLIENT_SECRET, 'baseUrl' => $BASE, 'baseAuthUrl' => $BASE));
    expect($lc->endpoint() === $BASE . "/Service.asmx", "endpoint " . $lc->endpoint());
    $r = et_get($lc, "BusinessUnit", array("ID", "Name"), array("Property" => "ID", "SimpleOperator" => "equals", "Value" => (string) $MID));
    $res = results($r);
    expect($r->OverallStatus === "OK" && count($res) === 1 && $res[0]->ID === $MID, "Retrieve " . json_encode($r));
    foreach (array('<wsse:Username>*</wsse:Username>', '<wsse:Nonce>', '<oAuth xmlns="http://exacttarget.com"><oAuthToken>') as $want) {
        expect(strpos($lc->lastContent, $want) !== false, "$want missing in " . $lc->lastContent);
    }
});

// -------------------------------------------------------- plain SoapClient
// A PHP user without FuelSDK: SoapClient on the served WSDL and a
// wsse:Security header written by hand as an XSD_ANYXML SoapVar.
function plain_client($wsdlURL, $user, $password, $digest)
{
    $client = new SoapClient($wsdlURL, array('trace' => 1));
    $created = gmdate('Y-m-d\TH:i:s\Z');
    $nonce = random_bytes(16);
    $type = $digest ? 'PasswordDigest' : 'PasswordText';
    $pw = $digest ? base64_encode(sha1($nonce . $created . $password, true)) : $password;
    $xml = '<wsse:Security xmlns:wsse="' . WSSENS . '" xmlns:wsu="' . WSUNS . '">'
        . '<wsse:UsernameToken>'
        . '<wsse:Username>' . htmlspecialchars($user, ENT_XML1) . '</wsse:Username>'
        . '<wsse:Password Type="' . WSUNAME . '#' . $type . '">' . htmlspecialchars($pw, ENT_XML1) . '</wsse:Password>'
        . '<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">'
        . base64_encode($nonce) . '</wsse:Nonce>'
        . '<wsu:Created>' . $created . '</wsu:Created>'
        . '</wsse:UsernameToken></wsse:Security>';
    $client->__setSoapHeaders(new SoapHeader(WSSENS, 'Security', new SoapVar($xml, XSD_ANYXML), true));
    return $client;
}

function plain_retrieve($client)
{
    return $client->Retrieve(array('RetrieveRequest' => array('ObjectType' => 'BusinessUnit', 'Properties' => array('ID', 'Name'))));
}

foreach (array(false, true) as $digest) {
    check("PHP SoapClient UsernameToken " . ($digest ? "PasswordDigest" : "PasswordText"), function () use ($wsdlURL, $API_USER, $API_PASSWORD, $MID, $digest) {
        $client = plain_client($wsdlURL, $API_USER, $API_PASSWORD, $digest);
        $r = plain_retrieve($client);
        $res = results($r);
        expect($r->OverallStatus === "OK" && count($res) === 1 && $res[0]->ID === $MID, "Retrieve " . json_encode($r));
        expect(strpos($client->__getLastRequest(), $digest ? '#PasswordDigest' : '#PasswordText') !== false, "password type not sent");
    });
}

check("PHP SoapClient UsernameToken wrong password faults Login Failed", function () use ($wsdlURL, $API_USER, $API_PASSWORD) {
    foreach (array(false, true) as $digest) {
        try {
            $r = plain_retrieve(plain_client($wsdlURL, $API_USER, $API_PASSWORD . "-wrong", $digest));
        } catch (SoapFault $f) {
            expect($f->faultstring === "Login Failed", "faultstring " . $f->faultstring);
            expect($f->faultcode === "q0:Security", "faultcode " . $f->faultcode);
            continue;
        }
        throw new Exception("no SoapFault; got " . json_encode($r));
    }
});

echo ($failures ? "FAIL" : "PASS") . ": $failures check(s) failed\n";
exit($failures ? 1 : 0);
