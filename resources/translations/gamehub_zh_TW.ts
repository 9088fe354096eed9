<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW">
<context>
    <name></name>
    <message>
        <source>Not connected to a hub; choose a hub first.</source>
        <translation>尚未連線到大廳；請先選擇一個大廳。</translation>
    </message>
    <message>
        <source>The hub is not answering right now; try again in a moment.</source>
        <translation>大廳目前沒有回應；請稍後再試。</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Dismiss this notice</source>
        <translation>關閉這則通知</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>關閉</translation>
    </message>
</context>
<context>
    <name>Connection</name>
    <message>
        <source>You were logged out.</source>
        <translation>你已登出。</translation>
    </message>
    <message>
        <source>This account logged in elsewhere: with the gamehub command on this computer. You were logged out here.</source>
        <translation>此帳號已在別處登入：在這台電腦上以 gamehub 指令登入。你在這裡已被登出。</translation>
    </message>
    <message>
        <source>This account logged in elsewhere: in another GameHub window on this computer. You were logged out here.</source>
        <translation>此帳號已在別處登入：在這台電腦上的另一個 GameHub 視窗。你在這裡已被登出。</translation>
    </message>
    <message>
        <source>This account logged in elsewhere: on this computer. You were logged out here.</source>
        <translation>此帳號已在別處登入：在這台電腦上。你在這裡已被登出。</translation>
    </message>
    <message>
        <source>This account logged in elsewhere: from another computer ({0}). You were logged out here.</source>
        <translation>此帳號已在別處登入：從另一台電腦（{0}）。你在這裡已被登出。</translation>
    </message>
    <message>
        <source>This account logged in elsewhere, so you were logged out here.</source>
        <translation>此帳號已在別處登入，所以你在這裡已被登出。</translation>
    </message>
</context>
<context>
    <name>Console</name>
    <message>
        <source>Type here and press Enter to send it</source>
        <translation>在此輸入後按 Enter 送出</translation>
    </message>
</context>
<context>
    <name>ConsoleTab</name>
    <message>
        <source>Type here and press Enter to send it to the game</source>
        <translation>在此輸入後按 Enter 傳給遊戲</translation>
    </message>
    <message>
        <source>Starting the game…</source>
        <translation>正在啟動遊戲…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>關閉</translation>
    </message>
    <message>
        <source>Close this finished match&apos;s console</source>
        <translation>關閉這場已結束對戰的主控台</translation>
    </message>
    <message>
        <source>The game is running.</source>
        <translation>遊戲執行中。</translation>
    </message>
    <message>
        <source>The game ended.</source>
        <translation>遊戲已結束。</translation>
    </message>
    <message>
        <source>The game was stopped (signal {0}).</source>
        <translation>遊戲被停止（訊號 {0}）。</translation>
    </message>
    <message>
        <source>The game stopped with an error (exit code {0}).</source>
        <translation>遊戲因錯誤而停止（結束碼 {0}）。</translation>
    </message>
    <message>
        <source>Its last output:</source>
        <translation>最後的輸出：</translation>
    </message>
    <message>
        <source>The game could not start: {0}</source>
        <translation>遊戲無法啟動：{0}</translation>
    </message>
</context>
<context>
    <name>DeveloperOps</name>
    <message>
        <source>Log in as a developer first.</source>
        <translation>請先以開發者身分登入。</translation>
    </message>
</context>
<context>
    <name>DeveloperTab</name>
    <message>
        <source>Log out</source>
        <translation>登出</translation>
    </message>
    <message>
        <source>Logged in as &lt;b&gt;%1&lt;/b&gt; (developer)</source>
        <translation>已登入為 &lt;b&gt;%1&lt;/b&gt;（開發者）</translation>
    </message>
</context>
<context>
    <name>DiscoveryHelp</name>
    <message>
        <source>Can&apos;t find your hub?</source>
        <translation>找不到你的大廳？</translation>
    </message>
    <message>
        <source>No hub has shown up on your network. GameHub checked this computer&apos;s network; the report below says what may stop hubs from being found. You can always type the hub&apos;s address instead.</source>
        <translation>你的網路上沒有出現任何大廳。GameHub 檢查了這台電腦的網路；下方報告說明可能讓大廳無法被找到的原因。你隨時都可以直接輸入大廳的位址。</translation>
    </message>
    <message>
        <source>Hub &amp;address:</source>
        <translation>大廳位址(&amp;A)：</translation>
    </message>
    <message>
        <source>host:port, e.g. 192.168.1.20:{0}</source>
        <translation>主機:連接埠，例如 192.168.1.20:{0}</translation>
    </message>
    <message>
        <source>Type the hub&apos;s address and press Enter</source>
        <translation>輸入大廳的位址後按 Enter</translation>
    </message>
    <message>
        <source>Co&amp;nnect</source>
        <translation>連線(&amp;N)</translation>
    </message>
    <message>
        <source>Connect to the hub at the address typed</source>
        <translation>連線到輸入位址的大廳</translation>
    </message>
    <message>
        <source>&amp;Copy report</source>
        <translation>複製報告(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the report, to send to whoever helps you</source>
        <translation>複製報告，傳給協助你的人</translation>
    </message>
    <message>
        <source>Check &amp;again</source>
        <translation>再檢查一次(&amp;A)</translation>
    </message>
    <message>
        <source>Run the network checks again</source>
        <translation>重新執行網路檢查</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隱藏</translation>
    </message>
    <message>
        <source>Hide this panel</source>
        <translation>隱藏此面板</translation>
    </message>
    <message>
        <source>What the checks found on this computer</source>
        <translation>在這台電腦上檢查到的結果</translation>
    </message>
    <message>
        <source>The checks could not run: {0}</source>
        <translation>無法執行檢查：{0}</translation>
    </message>
    <message>
        <source>The discovery report is on the clipboard.</source>
        <translation>探索報告已複製到剪貼簿。</translation>
    </message>
    <message>
        <source>Checking this computer&apos;s network…</source>
        <translation>正在檢查這台電腦的網路…</translation>
    </message>
    <message>
        <source>Network interfaces:</source>
        <translation>網路介面：</translation>
    </message>
    <message>
        <source>No interface carries multicast: hubs cannot be found automatically.</source>
        <translation>沒有任何介面支援多播：無法自動找到大廳。</translation>
    </message>
    <message>
        <source>Without multicast, type the hub&apos;s address above (the hosting computer shows it as &apos;Hosting at …&apos;).</source>
        <translation>沒有多播時，請在上方輸入大廳的位址（主持的電腦會顯示為「主持於 …」）。</translation>
    </message>
    <message>
        <source>multicast unknown</source>
        <translation>不確定是否支援多播</translation>
    </message>
    <message>
        <source>carries multicast</source>
        <translation>支援多播</translation>
    </message>
    <message>
        <source>down</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>no multicast</source>
        <translation>不支援多播</translation>
    </message>
    <message>
        <source>no address</source>
        <translation>沒有位址</translation>
    </message>
    <message>
        <source>{0} (loopback)</source>
        <translation>{0}（迴路）</translation>
    </message>
    <message>
        <source>mDNS could not open its sockets: {0}</source>
        <translation>mDNS 無法開啟它的通訊端：{0}</translation>
    </message>
    <message>
        <source>mDNS sockets (UDP {0}): open.</source>
        <translation>mDNS 通訊端（UDP {0}）：已開啟。</translation>
    </message>
    <message>
        <source>Self-test: this computer hears its own announcement.</source>
        <translation>自我測試：這台電腦聽得到自己的公告。</translation>
    </message>
    <message>
        <source>Self-test: this computer did not hear its own announcement; something here drops multicast (a firewall rule for UDP 5353, or no multicast route).</source>
        <translation>自我測試：這台電腦聽不到自己的公告；這裡有東西擋掉了多播（UDP 5353 的防火牆規則，或沒有多播路由）。</translation>
    </message>
    <message>
        <source>Firewall: allow UDP {0} (mDNS) on every computer, and TCP {1}, {2} and {3} in on the computer that hosts the hub.</source>
        <translation>防火牆：在每台電腦上允許 UDP {0}（mDNS），並在主持大廳的電腦上允許 TCP {1}、{2} 和 {3} 的連入連線。</translation>
    </message>
    <message>
        <source>none found</source>
        <translation>找不到</translation>
    </message>
    <message>
        <source>  Look at: sudo ufw status, sudo firewall-cmd --list-all or sudo nft list ruleset (installed here: {0}).</source>
        <translation>  請查看：sudo ufw status、sudo firewall-cmd --list-all 或 sudo nft list ruleset（此處已安裝：{0}）。</translation>
    </message>
    <message>
        <source>  Windows Defender Firewall: allow GameHub on Private networks and set this network to Private.</source>
        <translation>  Windows Defender 防火牆：在私人網路上允許 GameHub，並將此網路設為私人網路。</translation>
    </message>
    <message>
        <source>  macOS: System Settings → Network → Firewall → Options: allow incoming connections for GameHub.</source>
        <translation>  macOS：系統設定 → 網路 → 防火牆 → 選項：允許 GameHub 的連入連線。</translation>
    </message>
    <message>
        <source>  Wi-Fi &apos;client isolation&apos; on a router also drops multicast.</source>
        <translation>  路由器的 Wi-Fi「用戶端隔離」也會擋掉多播。</translation>
    </message>
</context>
<context>
    <name>ErrorReport</name>
    <message>
        <source>Show &amp;details</source>
        <translation>顯示詳細資料(&amp;D)</translation>
    </message>
    <message>
        <source>Show what the program was doing, for a bug report</source>
        <translation>顯示程式當時在做什麼，可用於回報錯誤</translation>
    </message>
    <message>
        <source>&amp;Copy details</source>
        <translation>複製詳細資料(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the details to the clipboard</source>
        <translation>將詳細資料複製到剪貼簿</translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>發生了問題</translation>
    </message>
    <message>
        <source>GameHub ran into an unexpected problem. You can keep working; if something looks wrong, restart GameHub. The details were written to {0}.</source>
        <translation>GameHub 遇到了意外的問題。您可以繼續使用；如果有地方看起來不對，請重新啟動 GameHub。詳細資料已寫入 {0}。</translation>
    </message>
    <message>
        <source>This happened {0} times.</source>
        <translation>這個問題已發生 {0} 次。</translation>
    </message>
    <message>
        <source>Hide &amp;details</source>
        <translation>隱藏詳細資料(&amp;D)</translation>
    </message>
</context>
<context>
    <name>GameDetails</name>
    <message>
        <source>Repair</source>
        <translation>修復</translation>
    </message>
    <message>
        <source>Quick play</source>
        <translation>快速開始</translation>
    </message>
    <message>
        <source>Ratings by version</source>
        <translation>各版本評分</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Published</source>
        <translation>發佈時間</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Player</source>
        <translation>玩家</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>評分</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>評論</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>版本紀錄</translation>
    </message>
    <message>
        <source>Reviews</source>
        <translation>評論</translation>
    </message>
    <message>
        <source>Pick a game</source>
        <translation>請選擇一款遊戲</translation>
    </message>
    <message>
        <source>{0} game · {1} players · by {2} · version {3} · {4}</source>
        <translation>{0} 遊戲 · {1} 位玩家 · 作者 {2} · 版本 {3} · {4}</translation>
    </message>
    <message>
        <source>Install</source>
        <translation>安裝</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>已安裝</translation>
    </message>
</context>
<context>
    <name>GameMatches</name>
    <message>
        <source>Rate this game…</source>
        <translation>評分這款遊戲…</translation>
    </message>
    <message>
        <source>Recent matches</source>
        <translation>最近的對戰</translation>
    </message>
    <message>
        <source>Leaderboard</source>
        <translation>排行榜</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Player</source>
        <translation>玩家</translation>
    </message>
    <message>
        <source>Wins</source>
        <translation>勝場</translation>
    </message>
    <message>
        <source>Matches</source>
        <translation>對戰</translation>
    </message>
    <message>
        <source>You can rate a game once you have played it.</source>
        <translation>玩過這款遊戲之後就能評分。</translation>
    </message>
</context>
<context>
    <name>GameRunner</name>
    <message>
        <source>{0} is not installed.</source>
        <translation>{0} 尚未安裝。</translation>
    </message>
</context>
<context>
    <name>HandOverDialog</name>
    <message>
        <source>Hand the hub over</source>
        <translation>移交大廳</translation>
    </message>
    <message>
        <source>The chosen player&apos;s computer gets every account&apos;s data, the games and the hub&apos;s key, and hosts the same hub. Everyone stays logged in and follows it.</source>
        <translation>選擇的玩家電腦會得到所有帳號的資料、遊戲和大廳的金鑰，並主持同一個大廳。每個人都保持登入並跟著移過去。</translation>
    </message>
    <message>
        <source>Players online whose copy allows hosting (their Settings)</source>
        <translation>線上且允許主持的玩家（在他們的設定中）</translation>
    </message>
    <message>
        <source>&amp;Wait for running matches up to:</source>
        <translation>等待進行中的對局最多(&amp;W)：</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Matches still running after this long end with a message</source>
        <translation>超過這段時間仍在進行的對局會結束並顯示訊息</translation>
    </message>
    <message>
        <source>&amp;Hand over</source>
        <translation>移交(&amp;H)</translation>
    </message>
    <message>
        <source>Nobody online allows hosting. Ask a player to tick “Let others hand me the hub” in their Settings while logged in here.</source>
        <translation>線上沒有人允許主持。請一位玩家在登入這裡時，於設定中勾選「讓別人把大廳移交給我」。</translation>
    </message>
    <message>
        <source>Handing the hub over to {0}…</source>
        <translation>正在把大廳移交給 {0}…</translation>
    </message>
    <message>
        <source>The hub stays here: {0}</source>
        <translation>大廳留在這裡：{0}</translation>
    </message>
</context>
<context>
    <name>HandoffAcceptor</name>
    <message>
        <source>This computer now hosts “{0}”.</source>
        <translation>這台電腦現在主持「{0}」。</translation>
    </message>
    <message>
        <source>Receiving the hub: {0} of {1} MB</source>
        <translation>正在接收大廳：{0} / {1} MB</translation>
    </message>
    <message>
        <source>Take over the hub?</source>
        <translation>接手大廳？</translation>
    </message>
    <message>
        <source>The host of “{0}” wants to hand the hub over to you.</source>
        <translation>「{0}」的主持人想把大廳移交給你。</translation>
    </message>
    <message>
        <source>This computer will hold every account&apos;s data, the games, the hub&apos;s key — {0} MB in {1} files — and host the hub for everyone. Players stay logged in and follow it here.</source>
        <translation>這台電腦將保存所有帳號的資料、遊戲和大廳的金鑰（{1} 個檔案共 {0} MB），並為所有人主持大廳。玩家保持登入並會跟到這裡。</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <source>Decline</source>
        <translation>拒絕</translation>
    </message>
</context>
<context>
    <name>HubBar</name>
    <message>
        <source>&amp;Hub:</source>
        <translation>大廳(&amp;H)：</translation>
    </message>
    <message>
        <source>Hubs found on your network; grey ones are announced but do not answer</source>
        <translation>在您的網路上找到的大廳；灰色的已公告但沒有回應</translation>
    </message>
    <message>
        <source>host:port</source>
        <translation>主機:連接埠</translation>
    </message>
    <message>
        <source>Type a hub&apos;s address, e.g. 192.168.1.20:47800, and press Enter</source>
        <translation>輸入大廳的位址，例如 192.168.1.20:47800，然後按 Enter</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>連線(&amp;C)</translation>
    </message>
    <message>
        <source>Connect to the hub at the address typed</source>
        <translation>連線到輸入位址的大廳</translation>
    </message>
    <message>
        <source>Host a hub</source>
        <translation>架設大廳</translation>
    </message>
    <message>
        <source>Run a hub on this computer, with the sample games, for others to join</source>
        <translation>在這台電腦上執行大廳（附範例遊戲），讓其他人加入</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>重試(&amp;R)</translation>
    </message>
    <message>
        <source>Connect to the hub again now</source>
        <translation>立即重新連線到大廳</translation>
    </message>
    <message>
        <source>Host a &amp;hub</source>
        <translation>架設大廳(&amp;H)</translation>
    </message>
    <message>
        <source>Run a hub on this computer and connect to it</source>
        <translation>在這台電腦上執行大廳並連線</translation>
    </message>
    <message>
        <source>No hub was found on your network. Host one on this computer? It comes with three sample games, and others nearby will find it.</source>
        <translation>在您的網路上找不到大廳。要在這台電腦上架設一個嗎？它附有三款範例遊戲，附近的人都能找到它。</translation>
    </message>
    <message>
        <source>No hubs found on your network yet</source>
        <translation>網路上還沒有找到大廳</translation>
    </message>
    <message>
        <source>1 hub on your network: choose it</source>
        <translation>網路上有 1 個大廳：請選擇</translation>
    </message>
    <message>
        <source>{0} hubs on your network: choose one</source>
        <translation>網路上有 {0} 個大廳：請選擇一個</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>已連線</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未連線</translation>
    </message>
    <message>
        <source>Connecting to {0}…</source>
        <translation>正在連線到 {0}…</translation>
    </message>
    <message>
        <source>Connected to {0}</source>
        <translation>已連線到 {0}</translation>
    </message>
    <message>
        <source>Lost {0}; retrying…</source>
        <translation>與 {0} 的連線中斷；重試中…</translation>
    </message>
    <message>
        <source>The hub {0} stopped answering. GameHub keeps trying; you can also retry now.</source>
        <translation>大廳 {0} 沒有回應了。GameHub 會持續重試；您也可以立即重試。</translation>
    </message>
    <message>
        <source>{0} at {1}
Key fingerprint: {2}</source>
        <translation>{0}（{1}）
金鑰指紋：{2}</translation>
    </message>
    <message>
        <source>Which hub this app uses, and whether it answers</source>
        <translation>此程式使用的大廳，以及它是否有回應</translation>
    </message>
    <message>
        <source>The hub moved to {0}.</source>
        <translation>大廳已移到 {0}。</translation>
    </message>
    <message>
        <source>Could not host a hub: {0}</source>
        <translation>無法架設大廳：{0}</translation>
    </message>
    <message>
        <source>Hosting at {0}</source>
        <translation>架設中，位址 {0}</translation>
    </message>
    <message>
        <source>You host {0}. Others join at: {1}
Key fingerprint: {2}</source>
        <translation>您正在架設 {0}。其他人可從此加入：{1}
金鑰指紋：{2}</translation>
    </message>
</context>
<context>
    <name>HubListModel</name>
    <message>
        <source>{name} — {host}</source>
        <translation>{name} — {host}</translation>
    </message>
    <message>
        <source>✓ {0} · connected</source>
        <translation>✓ {0} · 已連線</translation>
    </message>
    <message>
        <source>not answering</source>
        <translation>沒有回應</translation>
    </message>
    <message>
        <source>1 player online</source>
        <translation>1 位玩家在線</translation>
    </message>
    <message>
        <source>{0} players online</source>
        <translation>{0} 位玩家在線</translation>
    </message>
    <message>
        <source>Address: {0}</source>
        <translation>位址：{0}</translation>
    </message>
    <message>
        <source>Key fingerprint: {0}</source>
        <translation>金鑰指紋：{0}</translation>
    </message>
    <message>
        <source>This hub is announced but does not answer.</source>
        <translation>這個大廳已公告，但沒有回應。</translation>
    </message>
    <message>
        <source>This app is connected to this hub.</source>
        <translation>此應用程式已連線到這個大廳。</translation>
    </message>
</context>
<context>
    <name>HubTab</name>
    <message>
        <source>This hub</source>
        <translation>這個大廳</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名稱：</translation>
    </message>
    <message>
        <source>Others join at:</source>
        <translation>其他人從此加入：</translation>
    </message>
    <message>
        <source>Key fingerprint:</source>
        <translation>金鑰指紋：</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>資料夾：</translation>
    </message>
    <message>
        <source>Protections:</source>
        <translation>保護措施：</translation>
    </message>
    <message>
        <source>Players who are warned that the key changed can compare it with this</source>
        <translation>收到「金鑰已變更」警告的玩家可以和這個指紋比對</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>開啟(&amp;O)</translation>
    </message>
    <message>
        <source>Open the hub&apos;s data folder (database, logs, key)</source>
        <translation>開啟大廳的資料夾（資料庫、記錄檔、金鑰）</translation>
    </message>
    <message>
        <source>&amp;Stop hosting</source>
        <translation>停止架設(&amp;S)</translation>
    </message>
    <message>
        <source>Stop the hub; everyone connected to it is told</source>
        <translation>停止大廳；所有連線中的人都會收到通知</translation>
    </message>
    <message>
        <source>&amp;Hand the hub over…</source>
        <translation>移交大廳(&amp;H)…</translation>
    </message>
    <message>
        <source>Let a player&apos;s computer host this hub from now on, with all its data</source>
        <translation>從現在起讓一位玩家的電腦主持這個大廳，連同所有資料</translation>
    </message>
    <message>
        <source>Players online</source>
        <translation>在線玩家</translation>
    </message>
    <message>
        <source>Players logged in to this hub now</source>
        <translation>目前登入這個大廳的玩家</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>房間</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>房間</translation>
    </message>
    <message>
        <source>Game</source>
        <translation>遊戲</translation>
    </message>
    <message>
        <source>Players</source>
        <translation>玩家</translation>
    </message>
    <message>
        <source>State</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Open rooms; choose one to follow its game server&apos;s log</source>
        <translation>開放中的房間；選擇一個以追蹤其遊戲伺服器記錄</translation>
    </message>
    <message>
        <source>Game server log</source>
        <translation>遊戲伺服器記錄</translation>
    </message>
    <message>
        <source>What the chosen room&apos;s game server prints</source>
        <translation>所選房間的遊戲伺服器輸出</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>即將開始</translation>
    </message>
    <message>
        <source>Playing</source>
        <translation>遊戲中</translation>
    </message>
    <message>
        <source>{0} ({1}/{2})</source>
        <translation>{0}（{1}/{2}）</translation>
    </message>
    <message>
        <source>Choose a room to see its game server&apos;s output.</source>
        <translation>選擇一個房間以查看其遊戲伺服器的輸出。</translation>
    </message>
    <message>
        <source>Room {0}</source>
        <translation>房間 {0}</translation>
    </message>
    <message>
        <source>Room {0} (closed)</source>
        <translation>房間 {0}（已關閉）</translation>
    </message>
</context>
<context>
    <name>InstallBar</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>{0} of {1}, {2:.1f} MB/s</source>
        <translation>{0} / {1}，{2:.1f} MB/s</translation>
    </message>
</context>
<context>
    <name>Installer</name>
    <message>
        <source>Installing {0} {1}…</source>
        <translation>正在安裝 {0} {1}…</translation>
    </message>
    <message>
        <source>Installing {0}…</source>
        <translation>正在安裝 {0}…</translation>
    </message>
    <message>
        <source>Checking and repairing {0}…</source>
        <translation>正在檢查並修復 {0}…</translation>
    </message>
    <message>
        <source>Cancelled: {0} {1} stays installed.</source>
        <translation>已取消：{0} {1} 仍保留安裝。</translation>
    </message>
    <message>
        <source>Cancelled: {0} was not installed.</source>
        <translation>已取消：未安裝 {0}。</translation>
    </message>
    <message>
        <source>Wait for {0} to finish first.</source>
        <translation>請先等待 {0} 完成。</translation>
    </message>
    <message>
        <source>{0} {1} is installed.</source>
        <translation>{0} {1} 已安裝。</translation>
    </message>
    <message>
        <source>Installed {0} {1} ({2} fetched).</source>
        <translation>已安裝 {0} {1}（下載了 {2}）。</translation>
    </message>
    <message>
        <source>{0}: every file is intact.</source>
        <translation>{0}：所有檔案都完好。</translation>
    </message>
    <message>
        <source>{0}: repaired {1} file(s).</source>
        <translation>{0}：已修復 {1} 個檔案。</translation>
    </message>
</context>
<context>
    <name>KeyChangedDialog</name>
    <message>
        <source>The hub&apos;s key has changed</source>
        <translation>大廳的金鑰已變更</translation>
    </message>
    <message>
        <source>If the host of the hub at {1} reinstalled GameHub or moved it to another computer, a new key is expected. If not, another computer may be pretending to be “{0}”, and it would see everything you send, passwords included.

Ask the host which fingerprint their hub shows (in its Hub tab) and trust the new key only if it matches.</source>
        <translation>如果位於 {1} 的大廳主人重新安裝了 GameHub 或把它移到另一台電腦，出現新金鑰是正常的。如果不是，可能有另一台電腦冒充「{0}」，它會看到您傳送的一切，包括密碼。

請向主人確認他們的大廳顯示的指紋（在大廳分頁中），只有相符時才信任新金鑰。</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>位址：</translation>
    </message>
    <message>
        <source>Trusted before:</source>
        <translation>先前信任：</translation>
    </message>
    <message>
        <source>Its key then:</source>
        <translation>當時的金鑰：</translation>
    </message>
    <message>
        <source>Answering now:</source>
        <translation>現在回應：</translation>
    </message>
    <message>
        <source>Its key now:</source>
        <translation>現在的金鑰：</translation>
    </message>
    <message>
        <source>&amp;Trust the new key</source>
        <translation>信任新金鑰(&amp;T)</translation>
    </message>
    <message>
        <source>Remember the new key and connect</source>
        <translation>記住新金鑰並連線</translation>
    </message>
    <message>
        <source>&amp;Don&apos;t connect</source>
        <translation>不要連線(&amp;D)</translation>
    </message>
    <message>
        <source>Keep the old key and stay away from this hub</source>
        <translation>保留舊金鑰，不連線到這個大廳</translation>
    </message>
    <message>
        <source>Another hub answers at this address: you trusted “{0}” here, now “{1}” answers with another key.</source>
        <translation>這個位址上回應的是另一個大廳：您先前在此信任的是「{0}」，現在回應的是「{1}」，金鑰也不同。</translation>
    </message>
    <message>
        <source>“{0}” answers at the same address as before, but with another key.</source>
        <translation>「{0}」在與先前相同的位址回應，但金鑰不同。</translation>
    </message>
    <message>
        <source>Same hub name as one you trusted, “{0}”, but another key.</source>
        <translation>大廳名稱與您信任過的「{0}」相同，但金鑰不同。</translation>
    </message>
</context>
<context>
    <name>Libraries</name>
    <message>
        <source>%1 has no build for %2 on this hub — the developer can publish one.</source>
        <translation>%1 在這個大廳上沒有適用於 %2 的版本 — 開發者可以發布一個。</translation>
    </message>
    <message>
        <source>Libraries: %1</source>
        <translation>函式庫：%1</translation>
    </message>
</context>
<context>
    <name>LibrariesRow</name>
    <message>
        <source>Libraries:</source>
        <translation>函式庫：</translation>
    </message>
    <message>
        <source>Wheels:</source>
        <translation>Wheel 檔：</translation>
    </message>
    <message>
        <source>Python packages the game needs, e.g. &quot;pygame&gt;=2.5, numpy&quot;</source>
        <translation>遊戲需要的 Python 套件，例如 &quot;pygame&gt;=2.5, numpy&quot;</translation>
    </message>
    <message>
        <source>None chosen</source>
        <translation>未選擇</translation>
    </message>
    <message>
        <source>None: pip fetches the wheels when publishing</source>
        <translation>無：發布時由 pip 下載 wheel 檔</translation>
    </message>
    <message>
        <source>Wheels folder…</source>
        <translation>Wheel 資料夾…</translation>
    </message>
    <message>
        <source>%1 is not a folder of wheels.</source>
        <translation>%1 不是 wheel 檔的資料夾。</translation>
    </message>
    <message>
        <source>manifest.json requires: %1.</source>
        <translation>manifest.json 需要：%1。</translation>
    </message>
    <message>
        <source>This build of GameHub has no pip to fetch libraries: choose a folder with the game&apos;s wheels (made elsewhere with pip download --only-binary=:all:).</source>
        <translation>這個 GameHub 版本沒有 pip 可以下載函式庫：請選擇放有遊戲 wheel 檔的資料夾（在別處用 pip download --only-binary=:all: 取得）。</translation>
    </message>
    <message>
        <source>Choose the folder with the game&apos;s wheels</source>
        <translation>選擇放有遊戲 wheel 檔的資料夾</translation>
    </message>
</context>
<context>
    <name>LocalTestDialog</name>
    <message>
        <source>Reading manifest.json…</source>
        <translation>正在讀取 manifest.json…</translation>
    </message>
    <message>
        <source>%1 (%2) · %3 · up to %4 players</source>
        <translation>%1（%2）· %3 · 最多 %4 位玩家</translation>
    </message>
    <message>
        <source>Starting the game server…</source>
        <translation>正在啟動遊戲伺服器…</translation>
    </message>
    <message>
        <source>Server log</source>
        <translation>伺服器記錄</translation>
    </message>
    <message numerus="yes">
        <source>Running: the server listens on 127.0.0.1:%1, with %n client(s).</source>
        <translation>
            <numerusform>執行中：伺服器在 127.0.0.1:%1 接聽，共 %n 個用戶端。</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopping the server and the clients…</source>
        <translation>正在停止伺服器與用戶端…</translation>
    </message>
    <message>
        <source>Stopped: the server and every client have ended.</source>
        <translation>已停止：伺服器與所有用戶端都已結束。</translation>
    </message>
    <message>
        <source>The client exited (%1).</source>
        <translation>用戶端已結束（%1）。</translation>
    </message>
    <message>
        <source>%1&apos;s client crashed (%2); its output is in its tab.</source>
        <translation>%1 的用戶端當掉了（%2）；輸出在它的分頁中。</translation>
    </message>
    <message>
        <source>The game reported its end. Results: %1</source>
        <translation>遊戲回報已結束。結果：%1</translation>
    </message>
</context>
<context>
    <name>LocalTestUi</name>
    <message>
        <source>Test locally</source>
        <translation>本機測試</translation>
    </message>
    <message>
        <source>The game&apos;s folder (with manifest.json)</source>
        <translation>遊戲的資料夾（含 manifest.json）</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>資料夾…</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Clients:</source>
        <translation>用戶端：</translation>
    </message>
    <message>
        <source>Server log</source>
        <translation>伺服器記錄</translation>
    </message>
    <message>
        <source>Choose the game&apos;s folder</source>
        <translation>選擇遊戲的資料夾</translation>
    </message>
</context>
<context>
    <name>LoginForm</name>
    <message>
        <source>Log in</source>
        <translation>登入</translation>
    </message>
    <message>
        <source>Create account</source>
        <translation>建立帳號</translation>
    </message>
    <message>
        <source>Player name:</source>
        <translation>玩家名稱：</translation>
    </message>
    <message>
        <source>Developer account</source>
        <translation>開發者帳號</translation>
    </message>
    <message>
        <source>Log in to publish games and read what players say about them.</source>
        <translation>登入以發佈遊戲，並閱讀玩家的評論。</translation>
    </message>
    <message>
        <source>Developer name:</source>
        <translation>開發者名稱：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密碼：</translation>
    </message>
    <message>
        <source>Enter your developer name.</source>
        <translation>請輸入您的開發者名稱。</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>請輸入您的密碼。</translation>
    </message>
    <message>
        <source>Logging in…</source>
        <translation>登入中…</translation>
    </message>
    <message>
        <source>Not connected to a hub: choose one first.</source>
        <translation>尚未連線到大廳：請先選擇一個。</translation>
    </message>
    <message>
        <source>Connecting to the hub…</source>
        <translation>正在連線到大廳…</translation>
    </message>
    <message>
        <source>The hub is not answering; retrying.</source>
        <translation>大廳沒有回應；重試中。</translation>
    </message>
    <message>
        <source>Remember me on this computer</source>
        <translation>在這台電腦上記住我</translation>
    </message>
    <message>
        <source>Log in to play</source>
        <translation>登入以開始遊玩</translation>
    </message>
    <message>
        <source>Creating account…</source>
        <translation>正在建立帳號…</translation>
    </message>
    <message>
        <source>Enter your player name.</source>
        <translation>請輸入您的玩家名稱。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;File</source>
        <translation>檔案(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>檢視(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>說明(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>設定(&amp;S)…</translation>
    </message>
    <message>
        <source>Language and hosting</source>
        <translation>語言與架設</translation>
    </message>
    <message>
        <source>&amp;Open data folder</source>
        <translation>開啟資料夾(&amp;O)</translation>
    </message>
    <message>
        <source>Open the folder with GameHub&apos;s files: games, hub data, logs</source>
        <translation>開啟存放 GameHub 檔案的資料夾：遊戲、大廳資料、記錄檔</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>結束(&amp;Q)</translation>
    </message>
    <message>
        <source>Close GameHub</source>
        <translation>關閉 GameHub</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>重新整理(&amp;R)</translation>
    </message>
    <message>
        <source>Look for hubs and reload (F5)</source>
        <translation>尋找大廳並重新載入（F5）</translation>
    </message>
    <message>
        <source>&amp;Find games</source>
        <translation>尋找遊戲(&amp;F)</translation>
    </message>
    <message>
        <source>Search the store (Ctrl+F)</source>
        <translation>搜尋商店（Ctrl+F）</translation>
    </message>
    <message>
        <source>&amp;About GameHub</source>
        <translation>關於 GameHub(&amp;A)</translation>
    </message>
    <message>
        <source>Version and credits</source>
        <translation>版本與致謝</translation>
    </message>
    <message>
        <source>&amp;Player</source>
        <translation>玩家(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Developer</source>
        <translation>開發者(&amp;D)</translation>
    </message>
    <message>
        <source>H&amp;ub</source>
        <translation>大廳(&amp;U)</translation>
    </message>
    <message>
        <source>Browse the store, install games and meet in rooms (Ctrl+1)</source>
        <translation>瀏覽商店、安裝遊戲、在房間相聚（Ctrl+1）</translation>
    </message>
    <message>
        <source>Publish and manage your games (Ctrl+2)</source>
        <translation>發佈並管理您的遊戲（Ctrl+2）</translation>
    </message>
    <message>
        <source>The hub this computer hosts (Ctrl+3)</source>
        <translation>這台電腦架設的大廳（Ctrl+3）</translation>
    </message>
    <message>
        <source>GameHub</source>
        <translation>GameHub</translation>
    </message>
    <message>
        <source>About GameHub</source>
        <translation>關於 GameHub</translation>
    </message>
    <message>
        <source>&lt;b&gt;GameHub&lt;/b&gt;&lt;br&gt;A LAN game store and lobby: host a hub, publish games, meet in rooms, play.&lt;br&gt;&lt;br&gt;Data folder: {0}</source>
        <translation>&lt;b&gt;GameHub&lt;/b&gt;&lt;br&gt;區域網路上的遊戲商店與大廳：架設大廳、發佈遊戲、在房間相聚、一起玩。&lt;br&gt;&lt;br&gt;資料夾：{0}</translation>
    </message>
</context>
<context>
    <name>ManifestForm</name>
    <message>
        <source>Name:</source>
        <translation>名稱：</translation>
    </message>
    <message>
        <source>Display name:</source>
        <translation>顯示名稱：</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>類型：</translation>
    </message>
    <message>
        <source>Players:</source>
        <translation>玩家人數：</translation>
    </message>
    <message>
        <source>Server entry:</source>
        <translation>伺服器進入點：</translation>
    </message>
    <message>
        <source>Client entry:</source>
        <translation>用戶端進入點：</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>說明：</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 到 %2</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n 個檔案</numerusform>
        </translation>
    </message>
    <message>
        <source>%1, %2 in all</source>
        <translation>%1，共 %2</translation>
    </message>
</context>
<context>
    <name>MyGames</name>
    <message>
        <source>Active</source>
        <translation>上架中</translation>
    </message>
    <message>
        <source>Removed</source>
        <translation>已移除</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>顯示名稱</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Latest version</source>
        <translation>最新版本</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>版本紀錄</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>評分</translation>
    </message>
    <message>
        <source>Reviews</source>
        <translation>評論</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Published</source>
        <translation>發佈時間</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>類型</translation>
    </message>
    <message>
        <source>Players</source>
        <translation>玩家</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>檔案</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Manifest</source>
        <translation>說明檔</translation>
    </message>
    <message>
        <source>Player</source>
        <translation>玩家</translation>
    </message>
    <message>
        <source>Stars</source>
        <translation>星等</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>評論</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
</context>
<context>
    <name>MyGamesPage</name>
    <message>
        <source>Game</source>
        <translation>遊戲</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>已安裝</translation>
    </message>
    <message>
        <source>In the store</source>
        <translation>在商店中</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Repair</source>
        <translation>修復</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>開啟資料夾</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>評分</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>評論</translation>
    </message>
    <message>
        <source>Edit review</source>
        <translation>編輯評論</translation>
    </message>
    <message>
        <source>Installed games</source>
        <translation>已安裝的遊戲</translation>
    </message>
    <message>
        <source>My reviews</source>
        <translation>我的評論</translation>
    </message>
    <message>
        <source>removed from the store</source>
        <translation>已從商店移除</translation>
    </message>
    <message>
        <source>update available: {0}</source>
        <translation>有可用的更新：{0}</translation>
    </message>
    <message>
        <source>up to date</source>
        <translation>已是最新版本</translation>
    </message>
</context>
<context>
    <name>MyGamesPanel</name>
    <message>
        <source>Versions</source>
        <translation>版本紀錄</translation>
    </message>
    <message>
        <source>Publish new game…</source>
        <translation>發佈新遊戲…</translation>
    </message>
    <message>
        <source>Publish update…</source>
        <translation>發佈更新…</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>移除…</translation>
    </message>
    <message>
        <source>Test locally…</source>
        <translation>本機測試…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>重新整理</translation>
    </message>
    <message>
        <source>You have not published a game yet: Publish new game… starts here.</source>
        <translation>您還沒有發佈過遊戲：從「發佈新遊戲…」開始。</translation>
    </message>
    <message>
        <source>Ratings by version</source>
        <translation>各版本評分</translation>
    </message>
    <message>
        <source>Matches</source>
        <translation>對戰</translation>
    </message>
    <message numerus="yes">
        <source>Reviews (%n)</source>
        <translation>
            <numerusform>評論（%n）</numerusform>
        </translation>
    </message>
    <message>
        <source>Remove game</source>
        <translation>移除遊戲</translation>
    </message>
    <message>
        <source>Remove %1 from the store?</source>
        <translation>要從商店移除 %1 嗎？</translation>
    </message>
    <message>
        <source>Players who installed it keep it; it disappears from the store and from new rooms; publishing again brings it back.</source>
        <translation>已安裝的玩家會保留它；它會從商店與新房間中消失；再次發佈即可恢復。</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>%1 was removed from the store.</source>
        <translation>%1 已從商店移除。</translation>
    </message>
</context>
<context>
    <name>MyMatches</name>
    <message>
        <source>My matches</source>
        <translation>我的對戰</translation>
    </message>
    <message>
        <source>Matches you play appear here, with who won.</source>
        <translation>你玩過的對戰會出現在這裡，並顯示誰贏了。</translation>
    </message>
</context>
<context>
    <name>PackageCheck</name>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <source>%1 is neither a folder nor a zip file.</source>
        <translation>%1 既不是資料夾也不是 zip 檔。</translation>
    </message>
</context>
<context>
    <name>PlayController</name>
    <message>
        <source>Room: {0}</source>
        <translation>房間：{0}</translation>
    </message>
    <message>
        <source>The hub is not answering. You can wait here or leave the room.</source>
        <translation>大廳沒有回應。您可以在此等待，或離開房間。</translation>
    </message>
    <message>
        <source>Leave the match?</source>
        <translation>要離開對戰嗎？</translation>
    </message>
    <message>
        <source>A match is running in this room.</source>
        <translation>這個房間正在進行對戰。</translation>
    </message>
    <message>
        <source>If you leave, your game stops and the others play on without you.</source>
        <translation>如果你離開，你的遊戲會停止，其他人會在沒有你的情況下繼續。</translation>
    </message>
    <message>
        <source>Leave the match</source>
        <translation>離開對戰</translation>
    </message>
    <message>
        <source>Stay</source>
        <translation>留下</translation>
    </message>
    <message>
        <source>You left before the match ended.</source>
        <translation>你在對戰結束前離開了。</translation>
    </message>
    <message>
        <source>The room closed: {0}</source>
        <translation>房間已關閉：{0}</translation>
    </message>
    <message>
        <source>Match over: {0}</source>
        <translation>對戰結束：{0}</translation>
    </message>
    <message>
        <source>{0} console (finished)</source>
        <translation>{0} 主控台（已結束）</translation>
    </message>
    <message>
        <source>{0} log (finished)</source>
        <translation>{0} 紀錄（已結束）</translation>
    </message>
    <message>
        <source>{0} console</source>
        <translation>{0} 主控台</translation>
    </message>
    <message>
        <source>{0} log</source>
        <translation>{0} 記錄</translation>
    </message>
    <message>
        <source>The game client ended.</source>
        <translation>遊戲用戶端已結束。</translation>
    </message>
    <message>
        <source>You are still in the room.</source>
        <translation>您仍在房間中。</translation>
    </message>
    <message>
        <source>The game could not start: {0}</source>
        <translation>遊戲無法啟動：{0}</translation>
    </message>
</context>
<context>
    <name>PlayerTab</name>
    <message>
        <source>Store</source>
        <translation>商店</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>房間</translation>
    </message>
    <message>
        <source>My games</source>
        <translation>我的遊戲</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>登出</translation>
    </message>
    <message>
        <source>Logged in as &lt;b&gt;{0}&lt;/b&gt;</source>
        <translation>已登入為 &lt;b&gt;{0}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Logged out here; the hub did not confirm: {0}</source>
        <translation>已在此登出；大廳沒有確認：{0}</translation>
    </message>
    <message>
        <source>The hub is not answering; GameHub keeps trying.</source>
        <translation>大廳沒有回應；GameHub 會持續重試。</translation>
    </message>
</context>
<context>
    <name>PublishDialog</name>
    <message>
        <source>Publish an update of %1</source>
        <translation>發佈 %1 的更新</translation>
    </message>
    <message>
        <source>Publish a new game</source>
        <translation>發佈新遊戲</translation>
    </message>
    <message>
        <source>Checking the package…</source>
        <translation>正在檢查套件…</translation>
    </message>
    <message>
        <source>Fix the problems shown; nothing is sent until then.</source>
        <translation>請修正所列的問題；在此之前不會傳送任何東西。</translation>
    </message>
    <message>
        <source>The package is fine. Asking the hub for the next version…</source>
        <translation>套件沒有問題。正在向大廳詢問下一個版本…</translation>
    </message>
    <message>
        <source>This package is %1, not %2: choose the folder of %2.</source>
        <translation>這個套件是 %1，不是 %2：請選擇 %2 的資料夾。</translation>
    </message>
    <message>
        <source>Latest on the hub: %1 (removed from the store; publishing brings it back)</source>
        <translation>大廳上的最新版本：%1（已從商店移除；發佈即可恢復）</translation>
    </message>
    <message>
        <source>Latest on the hub: %1</source>
        <translation>大廳上的最新版本：%1</translation>
    </message>
    <message>
        <source>A new game on this hub.</source>
        <translation>這個大廳上的新遊戲。</translation>
    </message>
    <message>
        <source>%1 belongs to %2; only they can publish it. Give your game another &quot;name&quot; in manifest.json, then check again.</source>
        <translation>%1 屬於 %2；只有對方可以發佈它。請在 manifest.json 中替你的遊戲換一個 &quot;name&quot;，然後再檢查一次。</translation>
    </message>
    <message>
        <source>Fix the libraries shown; nothing is sent until then.</source>
        <translation>請修正標示的函式庫；修正之前不會傳送任何東西。</translation>
    </message>
    <message>
        <source>Ready to publish.</source>
        <translation>可以發佈了。</translation>
    </message>
    <message>
        <source>The game did not start here; see the run check below.</source>
        <translation>遊戲無法在這裡啟動；請看下方的執行檢查。</translation>
    </message>
    <message>
        <source>The package is fine. Running the game once here…</source>
        <translation>套件沒有問題。正在這裡執行一次遊戲…</translation>
    </message>
    <message>
        <source>Published %1; sent %2.</source>
        <translation>已發佈 %1；傳送了 %2。</translation>
    </message>
    <message>
        <source>Published %1; nothing needed sending, it was all on the hub already.</source>
        <translation>已發佈 %1；不需傳送任何東西，大廳上都已經有了。</translation>
    </message>
    <message>
        <source>Published %1; sent %2, the rest was already on the hub.</source>
        <translation>已發佈 %1；傳送了 %2，其餘的大廳上已經有了。</translation>
    </message>
    <message>
        <source>Publishing was cancelled. What was sent stays on the hub; publishing again resumes.</source>
        <translation>已取消發佈。已傳送的部分會留在大廳上；再次發佈會從中斷處繼續。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>關閉</translation>
    </message>
</context>
<context>
    <name>PublishDialogUi</name>
    <message>
        <source>A game folder or .zip (type, choose or drop it)</source>
        <translation>遊戲資料夾或 .zip（輸入、選擇或拖放）</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>資料夾…</translation>
    </message>
    <message>
        <source>Zip…</source>
        <translation>Zip…</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>重新檢查</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>發佈</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>manifest.json</source>
        <translation>manifest.json</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>版本：</translation>
    </message>
    <message>
        <source>Choose the game&apos;s folder</source>
        <translation>選擇遊戲的資料夾</translation>
    </message>
    <message>
        <source>Choose the game&apos;s zip</source>
        <translation>選擇遊戲的 zip 檔</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Zip 壓縮檔 (*.zip)</translation>
    </message>
</context>
<context>
    <name>PublishProgress</name>
    <message>
        <source>Checking the package and asking the hub what it lacks…</source>
        <translation>正在檢查套件，並詢問大廳缺少哪些部分…</translation>
    </message>
    <message>
        <source>The hub already has every file; nothing to send.</source>
        <translation>大廳已經有所有檔案；不需要傳送任何東西。</translation>
    </message>
    <message>
        <source>%1 of %2 done · %3 MB/s</source>
        <translation>已完成 %1 / %2 · %3 MB/s</translation>
    </message>
</context>
<context>
    <name>QuitGuard</name>
    <message>
        <source>Everyone connected to it is disconnected.</source>
        <translation>所有連線到它的人都會中斷連線。</translation>
    </message>
    <message>
        <source>Nobody is on it right now.</source>
        <translation>目前沒有人在上面。</translation>
    </message>
    <message>
        <source>Players online: {0} ({1}).</source>
        <translation>線上玩家：{0}（{1}）。</translation>
    </message>
    <message>
        <source>No players online.</source>
        <translation>沒有玩家在線上。</translation>
    </message>
    <message>
        <source>Open rooms: {0}.</source>
        <translation>開啟的房間：{0}。</translation>
    </message>
    <message>
        <source>Matches running: {0}; they end now.</source>
        <translation>進行中的對戰：{0}；它們會立即結束。</translation>
    </message>
    <message>
        <source>Stop hosting?</source>
        <translation>要停止主持嗎？</translation>
    </message>
    <message>
        <source>Quitting GameHub stops the hub this computer hosts.</source>
        <translation>結束 GameHub 會停止這台電腦主持的大廳。</translation>
    </message>
    <message>
        <source>Stop hosting</source>
        <translation>停止主持</translation>
    </message>
    <message>
        <source>Hand over…</source>
        <translation>移交…</translation>
    </message>
    <message>
        <source>Let {0} host this hub from now on, with all its data</source>
        <translation>從現在起讓 {0} 主持這個大廳，連同它所有的資料</translation>
    </message>
</context>
<context>
    <name>RatingDialog</name>
    <message>
        <source>Rate {0}</source>
        <translation>為 {0} 評分</translation>
    </message>
    <message>
        <source>What did you think? (optional)</source>
        <translation>您覺得如何？（選填）</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>送出</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍後</translation>
    </message>
    <message>
        <source>How did you like {0}?</source>
        <translation>您喜歡 {0} 嗎？</translation>
    </message>
    <message>
        <source>Pick 1 to 5 stars first.</source>
        <translation>請先選擇 1 到 5 顆星。</translation>
    </message>
</context>
<context>
    <name>RoomNotes</name>
    <message>
        <source>{0} joined the room.</source>
        <translation>{0} 加入了房間。</translation>
    </message>
    <message>
        <source>{0} was dropped: their app stopped answering.</source>
        <translation>{0} 已被移出：他的應用程式停止回應。</translation>
    </message>
    <message>
        <source>{0} left the room.</source>
        <translation>{0} 離開了房間。</translation>
    </message>
    <message>
        <source>You own the room now.</source>
        <translation>你現在是房主。</translation>
    </message>
    <message>
        <source>{0} owns the room now.</source>
        <translation>{0} 現在是房主。</translation>
    </message>
</context>
<context>
    <name>RoomPage</name>
    <message>
        <source>Ready</source>
        <translation>準備好了</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Leave room</source>
        <translation>離開房間</translation>
    </message>
    <message>
        <source>Say something to the room</source>
        <translation>對房間裡的人說些什麼</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>送出</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>{0} {1} — room {2}</source>
        <translation>{0} {1} — 房間 {2}</translation>
    </message>
    <message>
        <source>Ready ✓</source>
        <translation>已準備 ✓</translation>
    </message>
    <message>
        <source>owner</source>
        <translation>房主</translation>
    </message>
    <message>
        <source>you</source>
        <translation>你</translation>
    </message>
    <message>
        <source>✓ ready</source>
        <translation>✓ 已準備</translation>
    </message>
    <message>
        <source>not ready</source>
        <translation>未準備</translation>
    </message>
    <message>
        <source>Waiting for players: {0} here, {1} needed to start (at most {2}).</source>
        <translation>等待玩家：目前 {0} 位，需要 {1} 位才能開始（最多 {2} 位）。</translation>
    </message>
    <message>
        <source>Waiting: the owner starts once everyone is ready ({0} of {1}).</source>
        <translation>等待中：所有人準備好後由房主開始（{0} / {1}）。</translation>
    </message>
    <message>
        <source>{0} proposed to start; waiting for everyone to accept.</source>
        <translation>{0} 提議開始；等待所有人同意。</translation>
    </message>
    <message>
        <source>Playing.</source>
        <translation>遊戲中。</translation>
    </message>
    <message>
        <source>The room closed: {0}</source>
        <translation>房間已關閉：{0}</translation>
    </message>
</context>
<context>
    <name>RoomsPage</name>
    <message>
        <source>Create room</source>
        <translation>建立房間</translation>
    </message>
    <message>
        <source>Quick play</source>
        <translation>快速開始</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>加入</translation>
    </message>
    <message>
        <source>Game</source>
        <translation>遊戲</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>房主</translation>
    </message>
    <message>
        <source>Players</source>
        <translation>玩家</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>房間</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>已滿</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>可加入</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>即將開始</translation>
    </message>
    <message>
        <source>Playing</source>
        <translation>遊戲中</translation>
    </message>
    <message>
        <source>You are in a room; leave it to join another.</source>
        <translation>您已在一個房間中；請先離開才能加入其他房間。</translation>
    </message>
    <message>
        <source>Starting a room…</source>
        <translation>正在建立房間…</translation>
    </message>
    <message>
        <source>Leave your room first.</source>
        <translation>請先離開您的房間。</translation>
    </message>
    <message>
        <source>Finding a room…</source>
        <translation>正在尋找房間…</translation>
    </message>
    <message>
        <source>Joining…</source>
        <translation>正在加入…</translation>
    </message>
</context>
<context>
    <name>RunCheckStep</name>
    <message>
        <source>Publish anyway (players may meet this problem)</source>
        <translation>仍要發佈（玩家可能會遇到這個問題）</translation>
    </message>
    <message>
        <source>Add to libraries</source>
        <translation>加入函式庫</translation>
    </message>
    <message>
        <source>Run check: the game&apos;s server and one client, started here.</source>
        <translation>執行檢查：遊戲的伺服器和一個用戶端，在這裡啟動。</translation>
    </message>
    <message>
        <source>Run check: starting one client, as a player&apos;s app does…</source>
        <translation>執行檢查：像玩家的應用程式一樣啟動一個用戶端…</translation>
    </message>
    <message>
        <source>Run check: stopping the game…</source>
        <translation>執行檢查：正在停止遊戲…</translation>
    </message>
    <message>
        <source>Run check: starting the game&apos;s server, as the hub does…</source>
        <translation>執行檢查：像大廳一樣啟動遊戲的伺服器…</translation>
    </message>
    <message>
        <source>Run check: preparing the files publishing would send…</source>
        <translation>執行檢查：正在準備發佈時會傳送的檔案…</translation>
    </message>
    <message>
        <source>The server listened on GAME_PORT after %1 s and a client stayed connected for %2 s: the game starts as it will on the hub.</source>
        <translation>伺服器在 %1 秒後於 GAME_PORT 上監聽，且一個用戶端保持連線 %2 秒：遊戲會像在大廳上一樣啟動。</translation>
    </message>
    <message>
        <source>The server did not listen on GAME_PORT within %1 s</source>
        <translation>伺服器沒有在 %1 秒內於 GAME_PORT 上監聽</translation>
    </message>
    <message>
        <source>The server %1 before it listened on GAME_PORT</source>
        <translation>伺服器在於 GAME_PORT 上監聽之前%1</translation>
    </message>
    <message>
        <source>The client %1 at once</source>
        <translation>用戶端立刻%1</translation>
    </message>
    <message>
        <source>The server %1 while a client was connected</source>
        <translation>伺服器在用戶端連線期間%1</translation>
    </message>
    <message>
        <source>%1 imports %2, which players will not have: add %3 to the game&apos;s libraries.</source>
        <translation>%1 匯入了 %2，玩家不會有它：請把 %3 加入遊戲的函式庫。</translation>
    </message>
    <message>
        <source>The package cannot be run: %1</source>
        <translation>無法執行這個套件：%1</translation>
    </message>
    <message>
        <source>The client could not start: %1</source>
        <translation>用戶端無法啟動：%1</translation>
    </message>
    <message>
        <source>The server could not start: %1</source>
        <translation>伺服器無法啟動：%1</translation>
    </message>
    <message>
        <source>was killed by %1</source>
        <translation>被 %1 終止</translation>
    </message>
    <message>
        <source>exited with code %1</source>
        <translation>以代碼 %1 結束</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>語言(&amp;L)：</translation>
    </message>
    <message>
        <source>System default ({0})</source>
        <translation>系統預設（{0}）</translation>
    </message>
    <message>
        <source>The language of GameHub&apos;s window</source>
        <translation>GameHub 視窗使用的語言</translation>
    </message>
    <message>
        <source>Hub &amp;name when hosting:</source>
        <translation>架設時的大廳名稱(&amp;N)：</translation>
    </message>
    <message>
        <source>This computer hosts “{0}” now; a new name applies when hosting starts again.</source>
        <translation>這台電腦現在主持「{0}」；新名稱會在下次開始主持時生效。</translation>
    </message>
    <message>
        <source>The name players see when your computer hosts a hub</source>
        <translation>您的電腦架設大廳時，玩家看到的名稱</translation>
    </message>
    <message>
        <source>&amp;Host a hub whenever GameHub starts</source>
        <translation>每次啟動 GameHub 時都架設大廳(&amp;H)</translation>
    </message>
    <message>
        <source>Start hosting as soon as the window opens, so others can always join</source>
        <translation>視窗一開啟就開始架設，讓其他人隨時能加入</translation>
    </message>
    <message>
        <source>&amp;Let others hand me the hub</source>
        <translation>讓別人把大廳移交給我(&amp;L)</translation>
    </message>
    <message>
        <source>When the host of the hub you are logged in to leaves, they may hand the hub to this computer; you are asked first</source>
        <translation>當你登入的大廳的主持人離開時，可以把大廳移交給這台電腦；會先問你</translation>
    </message>
</context>
<context>
    <name>StarPicker</name>
    <message>
        <source>{0} of 5 stars</source>
        <translation>{0} / 5 顆星</translation>
    </message>
    <message>
        <source>{0} stars</source>
        <translation>{0} 顆星</translation>
    </message>
</context>
<context>
    <name>StartPrompt</name>
    <message>
        <source>Start {0}?</source>
        <translation>開始 {0}？</translation>
    </message>
    <message>
        <source>{0} wants to start {1}. Play now?</source>
        <translation>{0} 想開始 {1}。現在就玩嗎？</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>開始玩</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>現在不要</translation>
    </message>
</context>
<context>
    <name>StoreList</name>
    <message>
        <source>Search games</source>
        <translation>搜尋遊戲</translation>
    </message>
    <message>
        <source>Sort by name</source>
        <translation>依名稱排序</translation>
    </message>
    <message>
        <source>Sort by rating</source>
        <translation>依評分排序</translation>
    </message>
    <message>
        <source>Sort by players</source>
        <translation>依玩家人數排序</translation>
    </message>
    <message>
        <source>Sort by last update</source>
        <translation>依最後更新排序</translation>
    </message>
    <message>
        <source>Game</source>
        <translation>遊戲</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>評分</translation>
    </message>
    <message>
        <source>Players</source>
        <translation>玩家</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新時間</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>已安裝</translation>
    </message>
    <message>
        <source>Update available ({0} → {1})</source>
        <translation>有可用的更新（{0} → {1}）</translation>
    </message>
</context>
<context>
    <name>VersionMatches</name>
    <message>
        <source>Matches per version</source>
        <translation>各版本的對戰</translation>
    </message>
    <message>
        <source>Recent matches</source>
        <translation>最近的對戰</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Matches</source>
        <translation>對戰</translation>
    </message>
    <message>
        <source>The hub keeps the last {0} matches of each game.</source>
        <translation>大廳會保留每款遊戲最近的 {0} 場對戰。</translation>
    </message>
</context>
<context>
    <name>dialog</name>
    <message>
        <source>Thanks! Your review of {0} is in the store.</source>
        <translation>謝謝！您對 {0} 的評論已刊登在商店中。</translation>
    </message>
</context>
</TS>
