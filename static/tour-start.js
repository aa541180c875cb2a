/* The tour page's one inline script, run as the page is parsed, before the viewer: when the address asks
   for a scene other than the first, the box shows that scene's preview instead of the first one's; and
   as soon as that small image is decoded, the view the address asks for (its yaw, pitch and hfov, bounded
   as the viewer bounds them) is drawn from it onto a small canvas over the box, so the visitor sees the
   scene in perspective before the viewer's script has arrived. The canvas has one and a half times as many
   pixels across as the preview shows across the view (it holds no more detail); each takes the nearest of
   the preview's pixels once the browser has drawn the preview four times larger (its smoothing does the
   blending). The viewer removes it once its own first frame is on screen. It draws when the page is laid out anyway (a ResizeObserver's call), so
   reading the box's size forces no layout of the half-parsed page. build.rs leaves this comment out and puts the script's hash in the
   content policy. */
(function(){try{
var M=Math,D=M.PI/180,d=JSON.parse(document.getElementById('tour-data').textContent),L=d.scenes,i=document.querySelector('#tour .tour-preview'),
p=new URLSearchParams(location.hash.slice(1)),R={yaw:[-360,360],pitch:[-90,90],hfov:[10,170]},o={},k,t,x,
one=function(id){return L.filter(function(s){return s.id===id})[0]},f=one(d.first)||L[0],s=p.has('scene')?one(p.get('scene')):f,
n=function(a,b){return typeof a==='number'&&isFinite(a)?a:b};
for(k in R)if(p.has(k)){t=p.get(k).trim();x=Number(t);if(t===''||!isFinite(x)||x<R[k][0]||x>R[k][1])s=null;else o[k]=x}
if(!s){s=f;o={}}
if(!i)return;
if(s.id!==i.getAttribute('data-scene')){i.setAttribute('data-scene',s.id);i.src=s.preview;i.alt=s.title}
var go,draw=function(){
var W=i.clientWidth,H=i.clientHeight,pw=i.naturalWidth,ph=i.naturalHeight;
if(!W||!H||!pw||i.getAttribute('data-scene')!==s.id||document.querySelector('#tour .tour-canvas'))return;
var h=M.min(M.max(30,M.min(120,2*M.atan(1.732*W/H)/D)),M.max(30,n(o.hfov,n(s.hfov,100)))),tx=M.tan(h*D/2),ty=tx*H/W,
mp=M.max(0,90-M.atan(ty)/D),y=n(o.yaw,n(s.yaw,0))*D,e=M.min(mp,M.max(-mp,n(o.pitch,n(s.pitch,0))))*D,
cy=M.cos(y),sy=M.sin(y),cp=M.cos(e),sp=M.sin(e),w=M.min(W,M.ceil(1.5*pw*tx/M.PI)),hh=M.round(w*H/W),
a=document.createElement('canvas'),c=document.createElement('canvas'),PW=pw*4,PH=ph*4,g,P,I,O,r,j,q=0,X,Y,dx,dy,dz,z;
a.width=PW;a.height=PH;g=a.getContext('2d');g.drawImage(i,0,0,PW,PH);P=g.getImageData(0,0,PW,PH).data;
c.width=w;c.height=hh;c.className='tour-first';c.setAttribute('aria-hidden','true');g=c.getContext('2d');I=g.createImageData(w,hh);O=I.data;
for(r=0;r<hh;r++){Y=(1-2*(r+.5)/hh)*ty;for(j=0;j<w;j++,q+=4){X=(2*(j+.5)/w-1)*tx;
dx=X*cy-Y*sy*sp+sy*cp;dy=Y*cp+sp;dz=-X*sy-Y*cy*sp+cy*cp;
z=(M.min(PH-1,(.5-M.atan2(dy,M.sqrt(dx*dx+dz*dz))/M.PI)*PH|0)*PW+((M.atan2(dx,dz)/2/M.PI+.5)*PW|0)%PW)*4;
O[q]=P[z];O[q+1]=P[z+1];O[q+2]=P[z+2];O[q+3]=255}}
g.putImageData(I,0,0);i.parentNode.insertBefore(c,i.nextSibling)};
go=function(){if(!window.ResizeObserver)return draw();var b=new ResizeObserver(function(){b.disconnect();draw()});b.observe(i)};
if(i.complete&&i.naturalWidth)go();else i.addEventListener('load',go)
}catch(e){}})()
